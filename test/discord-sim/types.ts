// Types shared by the simulator process (main.ts and friends) and the test-side client (sim-client.ts).
// This file must stay free of runtime imports so that CommonJS test code can use it.

/** The bot token the simulator accepts unless told otherwise. Fake, and shaped like a real one. */
export const DEFAULT_TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDAw.sim.discord-simulator-token';

/** A user of the simulated world, as the world fixture describes it. */
export interface UserSpec {
  /** Short name used by tests (`alice`); also the Discord username. */
  name: string;
  id?: string;
  globalName?: string | null;
  /** The Discord client locale this user's interactions carry (default `en-US`). */
  locale?: string;
  bot?: boolean;
}

export interface RoleSpec {
  name: string;
  id?: string;
  /** Permission bit set as a decimal string. */
  permissions?: string;
  /** Higher is more powerful. @everyone is always 0. Default: order in the list. */
  position?: number;
  color?: number;
  /** The bot's own integration role. */
  botRole?: boolean;
}

export interface ChannelSpec {
  name: string;
  id?: string;
  /** 0 text (default), 2 voice, 4 category, 5 announcement */
  type?: number;
}

export interface MemberSpec {
  /** User name from the world's users. */
  user: string;
  /** Role names (besides @everyone). */
  roles?: string[];
  nick?: string | null;
}

export interface GuildSpec {
  name: string;
  id?: string;
  /** User name of the owner (must be a member). */
  owner?: string;
  preferredLocale?: string;
  /** Roles besides @everyone. `everyonePermissions` sets @everyone's. */
  roles?: RoleSpec[];
  everyonePermissions?: string;
  channels?: ChannelSpec[];
  /** The bot is always added as a member (with the botRole role, if any). */
  members?: MemberSpec[];
}

export interface SyntheticSpec {
  /** Number of extra generated guilds. */
  guilds: number;
  /** Members per generated guild (the bot is added on top). */
  membersPerGuild: number;
  /** true (default): every generated guild has its own users; false: they all share one pool of users. */
  distinctUsers?: boolean;
}

export interface WorldSpec {
  applicationId?: string;
  botUserId?: string;
  botName?: string;
  /** Application flags (READY application.flags). Default: the three privileged gateway intents enabled (limited). */
  applicationFlags?: number;
  /** Users merged by name into the default ones. */
  users?: UserSpec[];
  /** Replaces the default guild list entirely when given. The first one is the main guild. */
  guilds?: GuildSpec[];
  synthetic?: SyntheticSpec;
  /**
   * How GUILD_CREATE carries members. 'discord' (default) does what Discord does: all members only when the
   * GuildPresences intent is set and member_count <= large_threshold, otherwise only the bot's own member.
   * 'all' always sends every member (unrealistic, but handy for cache-heavy benchmarks).
   */
  guildCreateMembers?: 'discord' | 'all';
}

export interface WorldGuild {
  id: string;
  name: string;
  roles: Record<string, string>;
  channels: Record<string, string>;
  memberCount: number;
}

/** Ids of the world, as the tests see them. */
export interface World {
  applicationId: string;
  botUserId: string;
  botName: string;
  /** The main guild. */
  guildId: string;
  guildName: string;
  /** Default text channel of the main guild (`general`). */
  channelId: string;
  /** User ids by name (bot included under its name). */
  users: Record<string, string>;
  /** Each user's Discord client locale by name (what their interactions carry unless told otherwise). */
  locales: Record<string, string>;
  /** Main guild role ids by name (`everyone`, `bot`, `premium`, `admin`, `aboveBot`, ...). */
  roles: Record<string, string>;
  /** Main guild channel ids by name. */
  channels: Record<string, string>;
  /** All spec'd guilds (main first). */
  guilds: WorldGuild[];
  /** Ids of generated guilds. */
  syntheticGuildIds: string[];
}

export interface Http5xxFault {
  /** `METHOD /path/pattern`, `*` or `:param` matches one segment, `**` the rest; method `*` any. */
  route: string;
  status: number;
  /** How many matching requests still fail. */
  count: number;
}

export interface RouteLatency {
  route: string;
  ms: number;
}

export interface Faults {
  /** Users (names or ids) whose DMs are closed: POST to their DM channel answers 403 / 50007. */
  dmClosed: string[];
  /** Users (names or ids) that look deleted: GET /users/:id and DM creation answer 404 / 10013. */
  unknownUsers: string[];
  /** Members (`user` or `guildId:user`, main guild if no guild) that answer 404 / 10007. */
  unknownMembers: string[];
  /** The bot lacks MANAGE_ROLES everywhere: role changes answer 403 / 50013. */
  botMissingPermissions: boolean;
  http5xx: Http5xxFault[];
  /** Latency added to every REST answer. */
  latencyMs: number;
  routeLatency: RouteLatency[];
}

export interface RouteRateLimit {
  /** Pattern as in Http5xxFault.route. */
  route: string;
  limit: number;
  windowMs: number;
  /** 'major' (default): one bucket per major parameter (channel/guild/webhook), like Discord. 'route': one shared bucket. */
  scope?: 'major' | 'route';
}

export interface RateLimitConfig {
  enabled: boolean;
  /** Requests per second across all authenticated routes (interaction callbacks/webhooks excluded). Default 50. */
  globalPerSecond: number;
  /** Default per-route bucket. Default 5 per 5000 ms. */
  perRoute: { limit: number; windowMs: number };
  /** Overrides by route pattern, first match wins. */
  routes: RouteRateLimit[];
}

export interface SimConfig {
  heartbeatIntervalMs: number;
  /** Time the application has to answer an interaction (Discord: 3000). */
  interactionTimeoutMs: number;
  /** Lifetime of an interaction token (Discord: 15 minutes). */
  interactionTokenLifetimeMs: number;
  /**
   * Discord accepts one IDENTIFY per this window per bucket (`shard_id % max_concurrency`): 5000. A faster
   * IDENTIFY is answered with op 9 Invalid Session (not resumable). 0 turns the limit off.
   */
  identifyWindowMs: number;
  /** `session_start_limit.max_concurrency` in GET /gateway/bot (Discord: 1 below 150,000 guilds). */
  maxConcurrency: number;
}

export interface RecordedRequest {
  seq: number;
  at: number;
  method: string;
  /** Route template like `/channels/:channel_id/messages` (without /api/v10); null for unknown routes. */
  route: string | null;
  /** Path below /api/v10 (or the raw path for unknown routes outside it). */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  authPresent: boolean;
  bodyKind: 'none' | 'json' | 'multipart' | 'other';
  body: unknown;
  files: Array<{ field: string; filename: string | null; size: number; contentType: string | null }>;
  status: number;
  /** Discord error code of the answer, if it was an error. */
  errorCode: number | null;
  error: unknown;
  durationMs: number;
  /** Unknown routes: whether Discord has that route (when the OpenAPI document is at hand). */
  note?: string;
}

export interface RecordedFilter {
  method?: string;
  /** Exact route template or pattern (`POST /channels/*\/messages`). */
  route?: string;
  pathPrefix?: string;
  status?: number;
  sinceSeq?: number;
}

export interface SimUser {
  id: string;
  username: string;
  global_name: string | null;
  discriminator: string;
  avatar: string | null;
  bot?: boolean;
  public_flags: number;
}

export interface SimMessage {
  id: string;
  channel_id: string;
  guild_id?: string;
  author: SimUser;
  content: string;
  embeds: unknown[];
  components: unknown[];
  attachments: unknown[];
  flags: number;
  timestamp: string;
  edited_timestamp: string | null;
  type: number;
  tts: boolean;
  mention_everyone: boolean;
  mentions: unknown[];
  mention_roles: string[];
  pinned: boolean;
  webhook_id?: string;
  application_id?: string;
  interaction_metadata?: unknown;
  /** The nonce the author sent, as Discord echoes it back. */
  nonce?: string;
  /** Sim-only: how it was created. */
  source: 'channel' | 'interaction' | 'followup';
  /** Sim-only: ephemeral (flags & 64). */
  ephemeral: boolean;
  /** Sim-only: deleted via REST. */
  deleted: boolean;
}

export interface InteractionCallbackRecord {
  type: number;
  data: unknown;
  at: number;
  withResponse: boolean;
  authPresent: boolean;
}

export type InteractionStatus = 'pending' | 'responded' | 'failed';

export interface InteractionView {
  id: string;
  token: string;
  kind: 'slash' | 'click';
  user: string;
  guildId: string | null;
  channelId: string;
  commandName?: string;
  customId?: string;
  createdAt: number;
  status: InteractionStatus;
  /** Set when status is 'failed'. */
  failure?: string;
  callbacks: InteractionCallbackRecord[];
  /** The original response message as the user sees it now (null until a reply/defer). */
  original: SimMessage | null;
  /** True while the original is a deferred "is thinking..." placeholder (or an unanswered deferred update). */
  deferred: boolean;
  ephemeral: boolean;
  /** Convenience copies of original. */
  content: string | null;
  embeds: unknown[];
  components: unknown[];
  flags: number;
  edits: Array<{ at: number; target: string; body: unknown }>;
  followUps: SimMessage[];
  /** The modal shown (callback type 9), if any. */
  modal: unknown;
  /** Final = a non-deferred visible response exists (or a modal was shown). */
  final: boolean;
}

export interface CommandOptionRecord {
  type: number;
  name: string;
  description?: string;
  required?: boolean;
  choices?: Array<{ name: string; value: string | number }>;
  options?: CommandOptionRecord[];
  min_value?: number;
  max_value?: number;
  min_length?: number;
  max_length?: number;
  channel_types?: number[];
  autocomplete?: boolean;
}

export interface RegisteredCommand {
  id: string;
  application_id: string;
  guild_id?: string;
  version: string;
  type: number;
  name: string;
  description: string;
  name_localizations?: Record<string, string> | null;
  description_localizations?: Record<string, string> | null;
  options?: CommandOptionRecord[];
  default_member_permissions: string | null;
  dm_permission?: boolean;
  contexts: number[] | null;
  integration_types: number[];
  nsfw: boolean;
}

export interface SlashOptions {
  /** User name or id. */
  user: string;
  name: string;
  subcommand?: string;
  group?: string;
  options?: Record<string, string | number | boolean>;
  locale?: string;
  /** Guild id; default the main guild; null = in the bot's DM. */
  guildId?: string | null;
  /** Channel name or id in the guild (default `general`). */
  channel?: string;
  /**
   * Interaction context: 0 guild (default when guildId is not null), 1 the bot's DM (default for guildId null),
   * 2 a private channel (DM or group DM between users) through a user-installed app.
   */
  context?: 0 | 1 | 2;
  /** Context 2: the other user of the private channel (default: another world user). */
  privateChannelWith?: string;
}

export interface ClickOptions {
  user: string;
  customId: string;
  /** An interaction (its current original message) or an explicit message. */
  messageOf: { id: string; token: string } | { messageId: string; channelId: string };
  locale?: string;
}

export interface GatewaySessionInfo {
  sessionId: string;
  /** When IDENTIFY was accepted (epoch ms; 0 if never). */
  identifiedAt: number;
  open: boolean;
  identified: boolean;
  intents: number;
  compression: 'none' | 'zlib-stream' | 'identify';
  encoding: string;
  version: string;
  seq: number;
  heartbeats: number;
  guildsSent: number;
  guildsExpected: number;
  ready: boolean;
  identify: unknown;
  resumed: number;
  /** [shard_id, num_shards] from IDENTIFY ([0, 1] without sharding). */
  shard: [number, number];
}

export interface SimStats {
  requests: number;
  /** Accepted IDENTIFYs since the simulator started. */
  identifies: number;
  /** IDENTIFYs answered with op 9 for coming faster than their bucket's window. */
  identifyRateLimited: number;
  rateLimited: number;
  globalRateLimited: number;
  unknownRoutes: number;
  invalidRequests: number;
  sessions: GatewaySessionInfo[];
}
