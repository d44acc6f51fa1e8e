import {
  ForbiddenException,
  Inject,
  Injectable,
  UseInterceptors,
  type ArgumentsHost,
  Logger,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
  type OnModuleInit,
  Optional,
} from '@nestjs/common';
import { BaseInteraction, Client, DiscordAPIError, Events, HTTPError } from 'discord.js';
import { NecordArgumentsHost, NecordExecutionContext, type NecordContextType } from 'necord';
import { tap, type Observable } from 'rxjs';
import { BackendError } from '../backend/backend.errors';
import { COMMAND_USAGE, type CommandUsageSink } from '../observability/command-usage';
import { Metrics, type CommandOutcome } from '../observability/metrics.service';
import { DiscordUserError, StaffRefusal } from './discord-user.error';

/** The first segment of a component's custom id (`inv/2/...` -> `inv`): bounded, unlike the id itself. */
const customIdKind = (customId: string): string => customId.split('/')[0].slice(0, 32);

/** A short, bounded name for what the user did: `subscription`, `admin refund`, `button:refund`. */
function commandNameOf(interaction: BaseInteraction): string {
  if (interaction.isChatInputCommand()) {
    const group = interaction.options.getSubcommandGroup(false);
    const sub = interaction.options.getSubcommand(false);
    return [interaction.commandName, group, sub].filter((part) => part).join(' ');
  }
  if (interaction.isAutocomplete()) return `autocomplete:${interaction.commandName}`;
  if (interaction.isContextMenuCommand()) return interaction.commandName;
  if (interaction.isButton()) return `button:${customIdKind(interaction.customId)}`;
  if (interaction.isAnySelectMenu()) return `select:${customIdKind(interaction.customId)}`;
  if (interaction.isModalSubmit()) return `modal:${customIdKind(interaction.customId)}`;
  return `type:${interaction.type}`;
}

/** How an error that ended a handler reads as an outcome. */
function outcomeOf(error: unknown): CommandOutcome {
  if (error instanceof StaffRefusal || error instanceof ForbiddenException) return 'denied';
  if (error instanceof DiscordUserError) return 'user_error';
  if (error instanceof BackendError) return 'backend_error';
  if (error instanceof DiscordAPIError || error instanceof HTTPError) return 'discord_error';
  return 'error';
}

/**
 * One log line and one metric per interaction: command, user id, latency from receipt, outcome. Receipt is
 * stamped by a gateway listener registered before necord's, so the latency includes guards.
 */
@Injectable()
export class InteractionTelemetry implements OnModuleInit {
  private readonly logger = new Logger(InteractionTelemetry.name);
  private readonly receivedAt = new WeakMap<BaseInteraction, number>();
  private readonly finished = new WeakSet<BaseInteraction>();

  constructor(
    private readonly client: Client,
    private readonly metrics: Metrics,
    @Optional() @Inject(COMMAND_USAGE) private readonly usage?: CommandUsageSink,
  ) {}

  onModuleInit(): void {
    // necord adds its listeners at application bootstrap, after this: ours runs first.
    this.client.on(Events.InteractionCreate, (interaction) => this.receivedAt.set(interaction, performance.now()));
  }

  /**
   * From the Discord exception filter: an error that ended an interaction. Handler errors were already
   * recorded by the interceptor; this catches those that never reached it (a guard refusing a non-staff user).
   */
  failed(host: ArgumentsHost, error: unknown): void {
    const necord = NecordArgumentsHost.create(host);
    if (necord.getDiscovery()?.isListener()) return;
    const [subject] = necord.getContext<'interactionCreate'>();
    if (subject instanceof BaseInteraction) this.finish(subject, outcomeOf(error));
  }

  /** Records how the interaction ended; later calls for the same interaction are ignored. */
  finish(interaction: BaseInteraction, outcome: CommandOutcome): void {
    if (this.finished.has(interaction)) return;
    this.finished.add(interaction);
    const now = performance.now();
    const latencyMs = Math.round((now - (this.receivedAt.get(interaction) ?? now)) * 10) / 10;
    const command = commandNameOf(interaction);
    this.metrics.command(command, outcome, latencyMs / 1000);
    const line = {
      message: 'interaction',
      command,
      userId: interaction.user.id,
      latencyMs,
      outcome,
      interactionId: interaction.id,
    };
    if (outcome === 'error') this.logger.warn(line);
    else this.logger.log(line);
    if (interaction.isChatInputCommand()) {
      this.usage?.commandUsed(interaction.user.id, {
        command,
        success: outcome === 'ok',
        latency_ms: latencyMs,
        guild_id: interaction.guildId,
      });
    }
  }
}

/** Reports the end of every interaction handler (HTTP requests and gateway event listeners pass through). */
@Injectable()
export class InteractionTelemetryInterceptor implements NestInterceptor {
  constructor(private readonly telemetry: InteractionTelemetry) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType<NecordContextType>() !== 'necord') return next.handle();
    const necord = NecordExecutionContext.create(context);
    // Listeners (@On('interactionCreate') included) are not the answer to an interaction: only handlers are.
    if (necord.getDiscovery().isListener()) return next.handle();
    const [subject] = necord.getContext<'interactionCreate'>();
    if (!(subject instanceof BaseInteraction)) return next.handle();
    return next.handle().pipe(
      tap({
        complete: () => this.telemetry.finish(subject, 'ok'),
        error: (error: unknown) => this.telemetry.finish(subject, outcomeOf(error)),
      }),
    );
  }
}

/**
 * Puts the telemetry interceptor on a class whose methods answer interactions; MemberCommand, AdminCommand and
 * AdminButtons apply it, so every command and button class carries it by how it is declared. Per class, not an
 * APP_INTERCEPTOR: a global interceptor also runs Nest's interceptor pipeline on every HTTP request, which halved
 * the throughput of GET /internal/health in the benchmark (docs/benchmarks.md).
 */
export const WithInteractionTelemetry = (): ClassDecorator => UseInterceptors(InteractionTelemetryInterceptor);
