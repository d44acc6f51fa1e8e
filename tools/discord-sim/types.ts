// Types shared by the simulator process (main.ts and friends) and the test-side client (sim-client.ts).
// This file must stay free of runtime imports so that CommonJS test code can use it: Discord's shapes come from
// discord-api-types (the version discord.js ships and re-exports) as type-only imports.
import type {
  APIApplicationCommand,
  APIAttachment,
  APIApplicationCommandOption,
  APIEmbed,
  APIMessage,
  APIMessageInteractionMetadata,
  APIMessageTopLevelComponent,
  APIModalInteractionResponseCallbackData,
  APIUser,
  ChannelType,
  Permissions,
  RESTPatchAPIChannelMessageJSONBody,
  RESTPatchAPIInteractionFollowupJSONBody,
  RESTPostAPIChannelMessageJSONBody,
  RESTPostAPIInteractionCallbackJSONBody,
  RESTPostAPIInteractionFollowupJSONBody,
  Snowflake,
} from 'discord.js';

/** The bot token the simulator accepts unless told otherwise. Fake, and shaped like a real one. */
export const DEFAULT_TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDAw.sim.discord-simulator-token';

/** A user of the simulated world, as the world fixture describes it. */
export interface UserSpec {
  /** Short name used by tests (`alice`); also the Discord username. */
  name: string;
  id?: Snowflake;
  globalName?: string | null;
  /** The Discord client locale this user's interactions carry (default `en-US`). */
  locale?: string;
  bot?: boolean;
}

export interface RoleSpec {
  name: string;
  id?: Snowflake;
  /** Permission bit set as a decimal string. */
  permissions?: Permissions;
  /** Higher is more powerful. @everyone is always 0. Default: order in the list. */
  position?: number;
  color?: number;
  /** The bot's own integration role. */
  botRole?: boolean;
}

/** The guild channel types the simulator knows: 0 text, 2 voice, 4 category, 5 announcement. */
export type SimulatedGuildChannelType =
  ChannelType.GuildText | ChannelType.GuildVoice | ChannelType.GuildCategory | ChannelType.GuildAnnouncement;

export interface ChannelSpec {
  name: string;
  id?: Snowflake;
  /** 0 text (default), 2 voice, 4 category, 5 announcement */
  type?: SimulatedGuildChannelType;
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
  id?: Snowflake;
  /** User name of the owner (must be a member). */
  owner?: string;
  preferredLocale?: string;
  /** Roles besides @everyone. `everyonePermissions` sets @everyone's. */
  roles?: RoleSpec[];
  everyonePermissions?: Permissions;
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
  applicationId?: Snowflake;
  botUserId?: Snowflake;
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
  /**
   * With botMissingPermissions: the change is not told to clients (no GUILD_ROLE_UPDATE), as when a gateway
   * event is lost or the bot's view is stale; restoring the permission is told either way.
   */
  botPermissionsUntold: boolean;
  /**
   * GUILD_MEMBER_UPDATE reaches clients this long after the change (in order), as when the gateway lags behind
   * REST: a client's view of members' roles is stale meanwhile.
   */
  memberUpdateLagMs: number;
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

/**
 * Discord's user object, its `public_flags` a plain bit set: discord-api-types' flag enums have no member for 0 (no
 * flag), which the simulator and test fixtures write. A number is assignable to the enum where `APIUser` is needed.
 */
export interface SimUser extends Omit<APIUser, 'public_flags'> {
  public_flags?: number;
}

/**
 * A message as the simulator stores it: Discord's message object (what the API answers, see `Simulator.apiMessage`)
 * with the fields the simulator always sets made required, plus a few simulator-only fields.
 */
export interface SimMessage extends Omit<
  APIMessage,
  'author' | 'components' | 'flags' | 'interaction_metadata' | 'nonce'
> {
  /** Sent by Discord on messages of guild channels (not part of discord-api-types' REST message object). */
  guild_id?: Snowflake;
  author: SimUser;
  components: APIMessageTopLevelComponent[];
  /** Bits of `MessageFlags` (a plain number, see SimUser). */
  flags: number;
  interaction_metadata?: SimInteractionMetadata;
  /** The nonce the author sent, as Discord echoes it back. */
  nonce?: string;
  /** Sim-only: how it was created. */
  source: 'channel' | 'interaction' | 'followup';
  /** Sim-only: ephemeral (flags & 64). */
  ephemeral: boolean;
  /** Sim-only: deleted via REST. */
  deleted: boolean;
}

/** A message body as the simulator applies it: `attachments` made attachment objects (uploaded files, kept ones). */
export type WithStoredAttachments<B> = Omit<B, 'attachments'> & { attachments?: APIAttachment[] };

/** The fields of a message body the simulator keeps (channel message, interaction reply, follow-up, edit). */
export type MessageBody = WithStoredAttachments<
  Pick<RESTPatchAPIChannelMessageJSONBody, 'content' | 'embeds' | 'components' | 'flags'> &
    Pick<RESTPostAPIChannelMessageJSONBody, 'tts'>
>;

/** `R` with its `data`'s attachments stored (distributes over a union). */
type WithStoredDataAttachments<R> = {
  [K in keyof R]: K extends 'data' ? WithStoredAttachments<NonNullable<R[K]>> : R[K];
};

/** An interaction callback body as the simulator handles it: its `data`'s attachments stored. */
export type InteractionCallbackBody = WithStoredDataAttachments<RESTPostAPIInteractionCallbackJSONBody>;

/** The `data` of a member of a union, if it has one. */
type DataOf<R> = R extends unknown ? ('data' extends keyof R ? NonNullable<R['data' & keyof R]> : never) : never;

/** The `data` of an interaction callback: a message (type 4, 7), the deferred reply's flags (5), a modal (9). */
export type InteractionCallbackData = DataOf<InteractionCallbackBody>;

/** The `interaction_metadata` of a response or follow-up: Discord adds the command's `name` for commands. */
export type SimInteractionMetadata = APIMessageInteractionMetadata & { name?: string };

/**
 * An edit of an interaction's message as the bot sent it: a PATCH of `@original` or of a follow-up, or the first
 * follow-up after a deferred reply (which replaces the "thinking" message).
 */
export type InteractionEditBody =
  | WithStoredAttachments<RESTPatchAPIInteractionFollowupJSONBody>
  | WithStoredAttachments<RESTPostAPIInteractionFollowupJSONBody>;

export interface InteractionCallbackRecord {
  /** The callback type (4 reply, 5 deferred reply, 6 deferred update, 7 update, 9 modal), as in RegisteredCommand. */
  type: number;
  data: InteractionCallbackData | null;
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
  embeds: APIEmbed[];
  components: APIMessageTopLevelComponent[];
  /** Bits of `MessageFlags`. */
  flags: number;
  edits: Array<{ at: number; target: string; body: InteractionEditBody }>;
  followUps: SimMessage[];
  /** The modal shown (callback type 9), if any. */
  modal: APIModalInteractionResponseCallbackData | null;
  /** Final = a non-deferred visible response exists (or a modal was shown). */
  final: boolean;
}

/** The keys of any member of a union. */
type KeysOfUnion<U> = U extends unknown ? keyof U : never;
/** The type of field `K` across the members of a union that have it. */
type FieldOfUnion<U, K extends PropertyKey> = U extends unknown ? (K extends keyof U ? U[K] : never) : never;
/**
 * A union read as one object: the fields every member has as they are, the others optional, so that a field of one
 * member (`min_value`, `choices`, `channel_types`...) can be read without narrowing on the discriminant first.
 */
type Flattened<U> = Pick<U, keyof U> & { [K in Exclude<KeysOfUnion<U>, keyof U>]?: FieldOfUnion<U, K> };

/**
 * An option of a registered command: Discord's `APIApplicationCommandOption` union, flattened (see `Flattened`), with
 * nested options of the same kind. `type` is a plain number (1 subcommand, 2 group, 3 string, 4 integer, 5 boolean,
 * 6 user, 7 channel, 8 role, 9 mentionable, 10 number, 11 attachment): the simulator and the sandbox compare it with
 * those numbers, and discord-api-types' enum is for types only here (this file has no runtime imports).
 */
export interface CommandOptionRecord extends Omit<Flattened<APIApplicationCommandOption>, 'options' | 'type'> {
  type: number;
  options?: CommandOptionRecord[];
}

/**
 * A registered application command, as Discord answers it (the fields the simulator always sets made required).
 * `type` is a plain number (1 chat input, 2 user, 3 message), as in CommandOptionRecord.
 */
export interface RegisteredCommand
  extends
    Omit<APIApplicationCommand, 'options' | 'contexts' | 'integration_types' | 'nsfw' | 'type'>,
    Required<Pick<APIApplicationCommand, 'contexts' | 'integration_types' | 'nsfw'>> {
  type: number;
  options?: CommandOptionRecord[];
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
  /** The IDENTIFY payload's `d` as the client sent it (token redacted); the simulator checks only what it uses. */
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
