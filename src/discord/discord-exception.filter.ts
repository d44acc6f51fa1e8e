import { Injectable, Logger, Optional, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { BaseInteraction, MessageFlags } from 'discord.js';
import { NecordArgumentsHost } from 'necord';
import { BackendError } from '../backend/backend.errors';
import { translate, type MessageKey, type MessageParams } from '../i18n/i18n';
import { DiscordUserError } from './discord-user.error';
import { InteractionLocale } from './interaction-locale';
import { InteractionTelemetry } from './interaction.telemetry';

/** Which catalogue message tells the user about an error, and whether the team must hear of it. */
function messageForError(error: unknown): { key: MessageKey; params?: MessageParams; log?: 'error' | 'warn' } {
  if (error instanceof DiscordUserError) return { key: error.key, params: error.params };
  if (error instanceof BackendError) {
    switch (error.kind) {
      case 'auth':
        return { key: 'errors.misconfigured', log: 'error' };
      case 'invalid_response':
        return { key: 'errors.unavailable', log: 'error' };
      case 'timeout':
      case 'network':
      case 'server':
        return { key: 'errors.unavailable', log: 'warn' };
      case 'client':
        return { key: 'errors.unexpected', log: 'error' };
    }
  }
  return { key: 'errors.unexpected', log: 'error' };
}

/**
 * Errors from necord handlers: the user gets a localized, ephemeral message (never a hang, never
 * "undefined"), the logs get one line or one stack. `catch` returns a promise that never rejects: Nest
 * rethrows an error whose filter returns nothing, and discord.js (captureRejections) would turn that
 * into an unhandled 'error' event that ends the process.
 */
@Injectable()
export class DiscordExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(DiscordExceptionFilter.name);

  constructor(
    private readonly locale: InteractionLocale,
    @Optional() private readonly telemetry?: InteractionTelemetry,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const [subject] = NecordArgumentsHost.create(host).getContext<'interactionCreate'>();
    this.telemetry?.failed(host, exception);
    const { key, params, log } = messageForError(exception);
    // A backend auth failure is already logged once by the backend client, as a configuration error.
    const alreadyLogged = exception instanceof BackendError && exception.kind === 'auth';
    if (log && !alreadyLogged) {
      const text = exception instanceof Error ? (exception.stack ?? exception.message) : String(exception);
      if (log === 'error') this.logger.error(text);
      else this.logger.warn(exception instanceof Error ? exception.message : text);
    }
    // Listeners of other events (member joins, ...) share this filter: only interactions get an answer.
    if (!(subject instanceof BaseInteraction)) return Promise.resolve();
    return this.answer(subject, translate(this.locale.of(subject), key, params));
  }

  private async answer(interaction: BaseInteraction, content: string): Promise<void> {
    if (!interaction.isRepliable()) return;
    try {
      if (interaction.deferred || interaction.replied) {
        await interaction.editReply({ content, embeds: [], components: [] });
      } else {
        await interaction.reply({ content, flags: MessageFlags.Ephemeral });
      }
    } catch (error) {
      this.logger.warn(`Could not tell the user about an error: ${(error as Error).message}`);
    }
  }
}
