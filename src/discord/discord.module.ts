import { Global, Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { IntentsBitField, Options, Partials, type GuildMember, type User } from 'discord.js';
import { NecordModule, type NecordModuleOptions } from 'necord';
import { AppConfig, type ShardPlan } from '../config/app-config';
import { DiscordRequestBudget } from '../observability/discord-request-budget';
import { reportingRestErrors } from '../observability/discord-rest-errors';
import { MetricsModule } from '../observability/metrics.module';
import { Metrics } from '../observability/metrics.service';
import { DiscordRestService } from './discord-rest.service';
import { GatewayTelemetry } from './gateway.telemetry';
import { InteractionLane } from './interaction-lane';
import { InteractionLocale } from './interaction-locale';
import { InteractionTelemetry } from './interaction.telemetry';
import { StaffGuard, StaffService } from './staff.guard';

/**
 * What the gateway caches. The features read members, roles and users through REST (any replica can serve
 * any callback) and interactions carry their own user and member, so only guilds, channels and roles (which
 * discord.js needs for itself) and the bot's own member and user are kept. Everything else is cached at 0:
 * 1,000 guilds cost a few MB, not one entry per member.
 */
const ownId = (entry: GuildMember | User): boolean => entry.id === entry.client.user?.id;
const CACHE_LIMITS = Options.cacheWithLimits({
  ApplicationCommandManager: 0,
  ApplicationEmojiManager: 0,
  AutoModerationRuleManager: 0,
  BaseGuildEmojiManager: 0,
  DMMessageManager: 0,
  EntitlementManager: 0,
  GuildBanManager: 0,
  GuildEmojiManager: 0,
  GuildForumThreadManager: 0,
  GuildInviteManager: 0,
  GuildMemberManager: { maxSize: 0, keepOverLimit: ownId },
  GuildMessageManager: 0,
  GuildScheduledEventManager: 0,
  GuildStickerManager: 0,
  GuildTextThreadManager: 0,
  MessageManager: 0,
  PresenceManager: 0,
  ReactionManager: 0,
  ReactionUserManager: 0,
  StageInstanceManager: 0,
  ThreadManager: 0,
  ThreadMemberManager: 0,
  UserManager: { maxSize: 0, keepOverLimit: ownId },
  VoiceStateManager: 0,
});

/** The discord.js sharding options for a shard plan: `auto`, or these ids of that many shards. */
function shardOptions(plan: ShardPlan): Pick<NecordModuleOptions, 'shards' | 'shardCount'> {
  return plan.mode === 'auto' ? { shards: 'auto' } : { shards: plan.ids, shardCount: plan.count };
}

/** The discord.js client options the service runs with, derived from the configuration. */
export function discordClientOptions(
  config: AppConfig,
  metrics?: Metrics,
  budget?: DiscordRequestBudget,
): NecordModuleOptions {
  const options: NecordModuleOptions = {
    token: config.discord.token,
    // GuildMembers (privileged) brings member joins, for pending role changes and member events.
    intents: [IntentsBitField.Flags.Guilds, IntentsBitField.Flags.GuildMembers],
    development: config.discord.devGuildIds.length > 0 ? config.discord.devGuildIds : false,
    makeCache: CACHE_LIMITS,
    // Members are not cached, so a leave (GUILD_MEMBER_REMOVE) arrives as a partial member: still emitted.
    partials: [Partials.GuildMember],
    // Threads are the only cache left that can grow (the default sweeper); nothing else needs sweeping.
    sweepers: Options.DefaultSweeperSettings,
    // discord.js's own sharding: it reads the count from GET /gateway/bot (auto) and paces the IDENTIFYs
    // at one per 5 s per max_concurrency bucket, as Discord requires.
    ...shardOptions(config.discord.shards),
  };
  options.rest = {
    globalRequestsPerSecond: config.discord.globalRateLimit,
    // Only set rest.api when overridden: an explicit `undefined` would replace discord.js's default URL.
    ...(config.discord.apiUrl ? { api: config.discord.apiUrl } : {}),
    ...(metrics
      ? {
          makeRequest: reportingRestErrors((status, code, answer) => {
            metrics.discordRestError(status, code);
            budget?.record(answer);
          }),
        }
      : {}),
  };
  return options;
}

/**
 * Global: configured once by the app root (forRoot) around necord's one client, which NecordModule makes global
 * itself; a feature importing it again would build a second module. Every feature talks to Discord.
 */
@Global()
@Module({
  imports: [
    NecordModule.forRootAsync({
      imports: [MetricsModule],
      inject: [AppConfig, Metrics, DiscordRequestBudget],
      useFactory: discordClientOptions,
    }),
  ],
  providers: [
    DiscordRestService,
    InteractionLane,
    InteractionLocale,
    StaffService,
    StaffGuard,
    GatewayTelemetry,
    InteractionTelemetry,
  ],
  // InteractionTelemetry: for the telemetry interceptor, which Nest builds in the module of each command class.
  exports: [DiscordRestService, InteractionLocale, StaffService, StaffGuard, InteractionTelemetry],
})
export class DiscordModule {
  /** `imports`: the module exporting COMMAND_USAGE, named by the app root (discord imports no layer above it). */
  static forRoot({ imports = [] }: Pick<ModuleMetadata, 'imports'> = {}): DynamicModule {
    return { module: DiscordModule, imports };
  }
}
