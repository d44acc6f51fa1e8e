// The simulator's state: world, recordings, messages, commands, faults, interactions, waiters.
import { EventEmitter } from 'node:events';
import type {
  APIUser,
  GatewayGuildMemberAddDispatchData,
  GatewayGuildMemberRemoveDispatchData,
  GatewayGuildMemberUpdateDispatchData,
  InteractionContextType,
  Permissions,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
  Snowflake,
} from 'discord.js';
import { ApiError, Errors } from './errors';
import { Gateway, Intents, type GatewayHost } from './gateway';
import { Interactions } from './interactions';
import { DiscordRouteIndex } from './openapi-routes';
import { matchesPattern } from './patterns';
import { P } from './permissions';
import { RateLimiter } from './ratelimit';
import { SnowflakeGenerator } from './snowflake';
import type {
  CommandOptionRecord,
  Faults,
  MessageBody,
  RecordedFilter,
  RecordedRequest,
  RegisteredCommand,
  SimConfig,
  SimMessage,
  SimStats,
  WorldSpec,
} from './types';
import { isObject, type Validator } from './validation';
import {
  apiMember,
  apiRole,
  apiUser,
  WorldModel,
  type ChannelRec,
  type GuildRec,
  type MemberRec,
  type PrivateChannelRec,
  type UserRec,
} from './world';

export const DEFAULT_FAULTS: Faults = {
  dmClosed: [],
  unknownUsers: [],
  unknownMembers: [],
  botMissingPermissions: false,
  botPermissionsUntold: false,
  memberUpdateLagMs: 0,
  http5xx: [],
  latencyMs: 0,
  routeLatency: [],
};

export interface SimOptions {
  token: string;
  world: WorldSpec;
  config: SimConfig;
  validator: Validator;
  verbose: boolean;
}

const MESSAGE_FLAG_EPHEMERAL = 64;

/**
 * A command body of PUT/POST/PATCH (validated against Discord's schema), or a stored command merged with a PATCH
 * body: `default_member_permissions` may be a number (Discord takes both, see validation.ts), `contexts` null.
 */
export type CommandBody = Partial<
  Omit<RESTPostAPIChatInputApplicationCommandsJSONBody, 'type' | 'options' | 'contexts' | 'default_member_permissions'>
> & {
  type?: number;
  options?: CommandOptionRecord[];
  contexts?: InteractionContextType[] | null;
  default_member_permissions?: Permissions | number | null;
};

/** A message as Discord's API returns it (the simulator-only fields of SimMessage removed). */
export type ApiMessage = Omit<SimMessage, 'source' | 'ephemeral' | 'deleted'>;

/**
 * GUILD_MEMBER_REMOVE as the simulator sends it: the user object, or only its id should the world not know the user
 * (the world keeps the users of its members, so this is a fallback).
 */
type MemberRemoveData = Omit<GatewayGuildMemberRemoveDispatchData, 'user'> & { user: APIUser | Pick<APIUser, 'id'> };

export class Simulator implements GatewayHost {
  readonly token: string;
  readonly spec: WorldSpec;
  readonly validator: Validator;
  readonly initialConfig: SimConfig;
  config: SimConfig;
  model: WorldModel;
  port = 0;
  readonly ids = new SnowflakeGenerator();
  readonly gateway: Gateway;
  readonly interactions: Interactions;
  readonly rateLimiter = new RateLimiter();
  /** Discord's route list from openapi.json, when available (annotates unknown routes). */
  readonly routeIndex = DiscordRouteIndex.load();
  readonly events = new EventEmitter();
  faults: Faults = structuredClone(DEFAULT_FAULTS);

  requests: RecordedRequest[] = [];
  /** Requests as they arrive (recorded in `requests` once answered); cleared by reset(). */
  arrivals: RecordedRequest[] = [];
  /** Requests arrived and not answered yet (kept across reset(): they are still answered). */
  private readonly inFlight = new Set<RecordedRequest>();
  private seq = 0;
  readonly messages = new Map<string, SimMessage[]>();
  readonly messageIndex = new Map<string, SimMessage>();
  /** DM channels by recipient user id; kept across reset() so a bot's cached DM channel stays valid. */
  readonly dmChannels = new Map<string, PrivateChannelRec>();
  private readonly dmChannelById = new Map<string, PrivateChannelRec>();
  private readonly privateChannels = new Map<string, PrivateChannelRec>();
  private channelIndex = new Map<string, ChannelRec>();
  readonly globalCommands = new Map<string, RegisteredCommand>();
  readonly guildCommands = new Map<string, Map<string, RegisteredCommand>>();
  private readonly verbose: boolean;

  constructor(opts: SimOptions) {
    this.token = opts.token;
    this.spec = opts.world;
    this.validator = opts.validator;
    this.initialConfig = { ...opts.config };
    this.config = { ...opts.config };
    this.verbose = opts.verbose;
    this.model = new WorldModel(this.spec);
    this.indexChannels();
    this.gateway = new Gateway(this);
    this.interactions = new Interactions(this);
    this.events.setMaxListeners(0);
  }

  // ---- GatewayHost ----
  wsUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  httpUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  changed(): void {
    this.events.emit('change');
  }

  log(msg: string): void {
    if (this.verbose) process.stderr.write(`[discord-sim] ${msg}\n`);
  }

  // ---- waiting ----
  /** Resolves with the first truthy value of `probe`, re-evaluated on every state change. */
  waitFor<T>(probe: () => T | undefined | null | false, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const first = probe();
      if (first) return resolve(first);
      const onChange = (): void => {
        const v = probe();
        if (v) {
          cleanup();
          resolve(v);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new ApiError(408, 0, `timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.events.off('change', onChange);
      };
      this.events.on('change', onChange);
    });
  }

  // ---- reset ----
  reset(opts: { commands?: boolean } = {}): void {
    const before = this.model;
    this.model = new WorldModel(this.spec);
    this.indexChannels();
    this.requests = [];
    this.arrivals = [];
    this.messages.clear();
    this.messageIndex.clear();
    this.interactions.clear();
    this.faults = structuredClone(DEFAULT_FAULTS);
    this.rateLimiter.reset();
    this.config = { ...this.initialConfig };
    this.gateway.resetIdentifyBuckets();
    if (opts.commands) {
      this.globalCommands.clear();
      this.guildCommands.clear();
    }
    this.syncClientsAfterReset(before);
    this.changed();
  }

  /** Tells connected clients about membership/role differences between the old and the restored world. */
  private syncClientsAfterReset(before: WorldModel): void {
    for (const g of this.model.guilds.values()) {
      if (g.synthetic) continue;
      const old = before.guild(g.id);
      if (!old) continue;
      for (const r of g.roles.values()) {
        const o = old.role(r.id);
        if (!o || o.permissions !== r.permissions || o.position !== r.position) {
          this.gateway.dispatch(
            'GUILD_ROLE_UPDATE',
            { guild_id: g.id, role: apiRole(r, this.model.botUserId) },
            { guildId: g.id, intent: Intents.Guilds },
          );
        }
      }
      for (const uid of old.members.keys()) {
        if (!g.members.has(uid)) this.emitMemberRemove(g, uid);
      }
      for (const [uid, m] of g.members) {
        const o = old.members.get(uid);
        if (!o) this.emitMemberAdd(g, m);
        else if (o.roles.join() !== m.roles.join() || o.nick !== m.nick) this.emitMemberUpdate(g, m);
      }
    }
  }

  private indexChannels(): void {
    this.channelIndex = new Map();
    for (const g of this.model.guilds.values()) for (const c of g.channels.values()) this.channelIndex.set(c.id, c);
  }

  // ---- recording ----
  nextSeq(): number {
    return ++this.seq;
  }

  /** A request reached the simulator (it is recorded once answered). */
  arrive(r: RecordedRequest): void {
    this.arrivals.push(r);
    this.inFlight.add(r);
    this.changed();
  }

  /** Whether every request that arrived has been answered. */
  get idle(): boolean {
    return this.inFlight.size === 0;
  }

  record(r: RecordedRequest): void {
    this.inFlight.delete(r);
    this.requests.push(r);
    this.changed();
  }

  filterRequests(f: RecordedFilter = {}, list: RecordedRequest[] = this.requests): RecordedRequest[] {
    return list.filter((r) => {
      if (f.sinceSeq !== undefined && r.seq <= f.sinceSeq) return false;
      if (f.method && r.method !== f.method.toUpperCase()) return false;
      if (f.status !== undefined && r.status !== f.status) return false;
      if (f.pathPrefix && !r.path.startsWith(f.pathPrefix)) return false;
      if (f.route) {
        const exact = r.route !== null && (f.route === r.route || f.route === `${r.method} ${r.route}`);
        if (!exact && !matchesPattern(f.route, r.method, r.path)) return false;
      }
      return true;
    });
  }

  stats(): SimStats {
    return {
      requests: this.requests.length,
      identifies: this.gateway.identifies,
      identifyRateLimited: this.gateway.identifyRateLimited,
      rateLimited: this.rateLimiter.hits,
      globalRateLimited: this.rateLimiter.globalHits,
      unknownRoutes: this.requests.filter((r) => r.route === null).length,
      invalidRequests: this.requests.filter((r) => r.errorCode === 50035).length,
      sessions: this.gateway.info(),
    };
  }

  // ---- faults ----
  setFaults(partial: Partial<Faults>): void {
    const wasMissing = this.faults.botMissingPermissions;
    this.faults = { ...this.faults, ...partial };
    if (partial.botMissingPermissions !== undefined && partial.botMissingPermissions !== wasMissing) {
      this.applyBotPermissionFault(partial.botMissingPermissions);
    }
    this.changed();
  }

  /** Removes (or restores) MANAGE_ROLES/ADMINISTRATOR on the bot's roles and tells clients (GUILD_ROLE_UPDATE). */
  private applyBotPermissionFault(missing: boolean): void {
    const fresh = new WorldModel(this.spec);
    for (const g of this.model.guilds.values()) {
      for (const role of g.roles.values()) {
        if (!role.botRole) continue;
        const original = fresh.guild(g.id)?.role(role.id)?.permissions ?? role.permissions;
        const next = missing ? role.permissions & ~(P.MANAGE_ROLES | P.ADMINISTRATOR) : original;
        if (next !== role.permissions) {
          role.permissions = next;
          if (missing && this.faults.botPermissionsUntold) continue;
          this.gateway.dispatch(
            'GUILD_ROLE_UPDATE',
            { guild_id: g.id, role: apiRole(role, this.model.botUserId) },
            { guildId: g.id, intent: Intents.Guilds },
          );
        }
      }
    }
  }

  private matchesUser(list: string[], userId: string): boolean {
    const u = this.model.user(userId);
    return list.some((x) => x === userId || (u !== undefined && x === u.username));
  }

  isDmClosed(userId: string): boolean {
    return this.matchesUser(this.faults.dmClosed, userId);
  }

  isUnknownUser(userId: string): boolean {
    return this.matchesUser(this.faults.unknownUsers, userId);
  }

  isUnknownMember(guildId: string, userId: string): boolean {
    const u = this.model.user(userId);
    return this.faults.unknownMembers.some((entry) => {
      const [g, who] = entry.includes(':') ? entry.split(':', 2) : [this.model.mainGuildId, entry];
      return g === guildId && (who === userId || (u !== undefined && who === u.username));
    });
  }

  /** Consumes one matching 5xx fault, if any. */
  take5xx(method: string, path: string): number | null {
    const f = this.faults.http5xx.find((x) => x.count > 0 && matchesPattern(x.route, method, path));
    if (!f) return null;
    f.count--;
    this.faults.http5xx = this.faults.http5xx.filter((x) => x.count > 0);
    return f.status;
  }

  latencyFor(method: string, path: string): number {
    const r = this.faults.routeLatency.find((x) => matchesPattern(x.route, method, path));
    return this.faults.latencyMs + (r?.ms ?? 0);
  }

  // ---- world lookups ----
  user(id: string): UserRec {
    const u = this.model.user(id);
    if (!u || this.isUnknownUser(id)) throw Errors.unknownUser();
    return u;
  }

  guild(id: string): GuildRec {
    const g = this.model.guild(id);
    if (!g) throw Errors.unknownGuild();
    return g;
  }

  member(g: GuildRec, userId: string): MemberRec {
    const m = g.members.get(userId);
    if (!m || this.isUnknownMember(g.id, userId)) throw Errors.unknownMember();
    return m;
  }

  channel(id: string): ChannelRec | undefined {
    return this.channelIndex.get(id) ?? this.dmChannelById.get(id);
  }

  botPermissions(g: GuildRec): bigint {
    return g.permissionsOf(g.botMember);
  }

  /** Finds or creates a private channel between `user` and `other` (no bot inside: interaction context 2). */
  privateChannel(user: UserRec, other: UserRec): PrivateChannelRec {
    const key = `${user.id}:${other.id}`;
    let c = this.privateChannels.get(key);
    if (!c) {
      c = {
        id: this.ids.next(),
        guildId: null,
        name: null,
        type: 1,
        position: 0,
        recipientId: other.id,
        privateOf: user.id,
      };
      this.privateChannels.set(key, c);
      this.dmChannelById.set(c.id, c);
    }
    return c;
  }

  /** Finds or creates the DM channel with a user. */
  dmChannel(user: UserRec): PrivateChannelRec {
    let c = this.dmChannels.get(user.id);
    if (!c) {
      c = { id: this.ids.next(), guildId: null, name: null, type: 1, position: 0, recipientId: user.id };
      this.dmChannels.set(user.id, c);
      this.dmChannelById.set(c.id, c);
    }
    return c;
  }

  // ---- members ----
  memberPayload(g: GuildRec, m: MemberRec): GatewayGuildMemberAddDispatchData & GatewayGuildMemberUpdateDispatchData {
    return { ...apiMember(this.model, m), guild_id: g.id };
  }

  emitMemberAdd(g: GuildRec, m: MemberRec): void {
    this.gateway.dispatch('GUILD_MEMBER_ADD', this.memberPayload(g, m), {
      guildId: g.id,
      intent: Intents.GuildMembers,
    });
  }

  emitMemberUpdate(g: GuildRec, m: MemberRec): void {
    const payload = this.memberPayload(g, m);
    const send = () =>
      this.gateway.dispatch('GUILD_MEMBER_UPDATE', payload, { guildId: g.id, intent: Intents.GuildMembers });
    const lag = this.faults.memberUpdateLagMs;
    if (lag > 0) setTimeout(send, lag).unref();
    else send();
  }

  emitMemberRemove(g: GuildRec, userId: Snowflake): void {
    const u = this.model.user(userId);
    const d: MemberRemoveData = { guild_id: g.id, user: u ? apiUser(u) : { id: userId } };
    this.gateway.dispatchRaw('GUILD_MEMBER_REMOVE', d, { guildId: g.id, intent: Intents.GuildMembers });
  }

  memberJoin(guildId: string, userNameOrId: string): MemberRec {
    const g = this.guild(guildId);
    const u = this.model.resolveUser(userNameOrId);
    if (!u) throw new ApiError(400, 0, `unknown user ${userNameOrId}`);
    if (g.members.has(u.id)) throw new ApiError(409, 0, `${u.username} is already a member of ${g.name}`);
    const m: MemberRec = { userId: u.id, roles: [], nick: null, joinedAt: new Date().toISOString() };
    g.members.set(u.id, m);
    this.emitMemberAdd(g, m);
    this.changed();
    return m;
  }

  memberLeave(guildId: string, userNameOrId: string): void {
    const g = this.guild(guildId);
    const u = this.model.resolveUser(userNameOrId);
    if (!u || !g.members.has(u.id)) throw new ApiError(404, 0, `${userNameOrId} is not a member of ${g.name}`);
    if (u.id === this.model.botUserId) throw new ApiError(400, 0, 'the bot cannot leave through this switch');
    g.members.delete(u.id);
    this.emitMemberRemove(g, u.id);
    this.changed();
  }

  /** Checks that the bot may add/remove `roleId` (MANAGE_ROLES and hierarchy), as Discord does. */
  assertCanManageRole(g: GuildRec, roleId: string): void {
    const role = g.role(roleId);
    if (!role) throw Errors.unknownRole();
    const perms = this.botPermissions(g);
    if ((perms & (P.MANAGE_ROLES | P.ADMINISTRATOR)) === 0n) throw Errors.missingPermissions();
    if (g.ownerId === this.model.botUserId) return;
    if (role.managed || role.id === g.everyoneRoleId) throw Errors.missingPermissions();
    if (role.position >= g.highestPosition(g.botMember)) throw Errors.missingPermissions();
  }

  setMemberRoles(g: GuildRec, m: MemberRec, roles: string[]): void {
    const before = m.roles.join();
    m.roles = [...new Set(roles)];
    if (m.roles.join() !== before) {
      this.emitMemberUpdate(g, m);
      this.changed();
    }
  }

  // ---- messages ----
  createMessage(
    channel: ChannelRec,
    author: UserRec,
    body: MessageBody,
    source: SimMessage['source'],
    extra: Partial<SimMessage> = {},
  ): SimMessage {
    const flags = typeof body.flags === 'number' ? body.flags : 0;
    const msg: SimMessage = {
      id: this.ids.next(),
      channel_id: channel.id,
      ...(channel.guildId ? { guild_id: channel.guildId } : {}),
      author: apiUser(author),
      content: typeof body.content === 'string' ? body.content : '',
      embeds: Array.isArray(body.embeds) ? body.embeds : [],
      components: Array.isArray(body.components) ? body.components : [],
      attachments: Array.isArray(body.attachments) ? body.attachments : [],
      flags,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      type: 0,
      tts: body.tts === true,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      pinned: false,
      source,
      ephemeral: (flags & MESSAGE_FLAG_EPHEMERAL) !== 0,
      deleted: false,
      ...extra,
    };
    let list = this.messages.get(channel.id);
    if (!list) {
      list = [];
      this.messages.set(channel.id, list);
    }
    list.push(msg);
    this.messageIndex.set(msg.id, msg);
    if (!msg.ephemeral) this.dispatchMessage('MESSAGE_CREATE', msg);
    this.changed();
    return msg;
  }

  editMessage(msg: SimMessage, body: MessageBody): SimMessage {
    if ('content' in body) msg.content = typeof body.content === 'string' ? body.content : '';
    if ('embeds' in body) msg.embeds = Array.isArray(body.embeds) ? body.embeds : [];
    if ('components' in body) msg.components = Array.isArray(body.components) ? body.components : [];
    if ('attachments' in body) msg.attachments = Array.isArray(body.attachments) ? body.attachments : [];
    if (typeof body.flags === 'number') {
      // only SUPPRESS_EMBEDS (4) and IS_COMPONENTS_V2 (32768) can be changed by an edit
      const changeable = 4 | 32768;
      msg.flags = (msg.flags & ~changeable) | (body.flags & changeable);
    }
    msg.edited_timestamp = new Date().toISOString();
    if (!msg.ephemeral) this.dispatchMessage('MESSAGE_UPDATE', msg);
    this.changed();
    return msg;
  }

  deleteMessage(msg: SimMessage): void {
    msg.deleted = true;
    if (!msg.ephemeral) {
      const ch = this.channel(msg.channel_id);
      this.gateway.dispatch(
        'MESSAGE_DELETE',
        { id: msg.id, channel_id: msg.channel_id, ...(msg.guild_id ? { guild_id: msg.guild_id } : {}) },
        { guildId: ch?.guildId ?? null, intent: ch?.guildId ? Intents.GuildMessages : Intents.DirectMessages },
      );
    }
    this.changed();
  }

  private dispatchMessage(t: 'MESSAGE_CREATE' | 'MESSAGE_UPDATE', msg: SimMessage): void {
    const ch = this.channel(msg.channel_id);
    // the bot is not in private channels between users (interaction context 2): no gateway event
    if (ch?.privateOf) return;
    this.gateway.dispatch(t, this.apiMessage(msg), {
      guildId: ch?.guildId ?? null,
      intent: ch?.guildId ? Intents.GuildMessages : Intents.DirectMessages,
    });
  }

  /** The message as Discord's API returns it (sim-only fields removed). */
  apiMessage(msg: SimMessage): ApiMessage {
    const { source: _s, ephemeral: _e, deleted: _d, ...rest } = msg;
    return rest;
  }

  channelMessages(channelId: string): SimMessage[] {
    return (this.messages.get(channelId) ?? []).filter((m) => !m.deleted);
  }

  // ---- commands ----
  commandStore(guildId: string | null): Map<string, RegisteredCommand> {
    if (guildId === null) return this.globalCommands;
    let m = this.guildCommands.get(guildId);
    if (!m) {
      m = new Map();
      this.guildCommands.set(guildId, m);
    }
    return m;
  }

  allCommands(): RegisteredCommand[] {
    const out = [...this.globalCommands.values()];
    for (const m of this.guildCommands.values()) out.push(...m.values());
    return out;
  }

  /** Builds the stored form of a command body (already validated), or of a stored command merged with a PATCH. */
  toCommand(body: CommandBody, guildId: string | null, id: string): RegisteredCommand {
    const dmp = body.default_member_permissions;
    const cmd: RegisteredCommand = {
      id,
      application_id: this.model.applicationId,
      ...(guildId ? { guild_id: guildId } : {}),
      version: this.ids.next(),
      type: typeof body.type === 'number' ? body.type : 1,
      name: String(body.name),
      description: typeof body.description === 'string' ? body.description : '',
      name_localizations: isObject(body.name_localizations) ? body.name_localizations : null,
      description_localizations: isObject(body.description_localizations) ? body.description_localizations : null,
      default_member_permissions: typeof dmp === 'string' || typeof dmp === 'number' ? String(dmp) : null,
      contexts: Array.isArray(body.contexts) ? body.contexts : null,
      integration_types: Array.isArray(body.integration_types) ? body.integration_types : [0],
      nsfw: body.nsfw === true,
    };
    if (Array.isArray(body.options) && body.options.length) cmd.options = body.options;
    if (!guildId) cmd.dm_permission = body.dm_permission !== false;
    return cmd;
  }

  /** PUT bulk overwrite: same name+type keeps its id (Discord updates in place), others are created or deleted. */
  overwriteCommands(guildId: string | null, bodies: CommandBody[]): RegisteredCommand[] {
    const store = this.commandStore(guildId);
    const byKey = new Map<string, RegisteredCommand>();
    for (const c of store.values()) byKey.set(`${c.type}:${c.name}`, c);
    store.clear();
    const out: RegisteredCommand[] = [];
    for (const b of bodies) {
      const type = typeof b.type === 'number' ? b.type : 1;
      const existing = byKey.get(`${type}:${String(b.name)}`);
      const cmd = this.toCommand(b, guildId, existing?.id ?? this.ids.next());
      store.set(cmd.id, cmd);
      out.push(cmd);
    }
    this.changed();
    return out;
  }
}
