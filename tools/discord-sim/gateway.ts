// The gateway (wss) side of the simulator: HELLO, IDENTIFY -> READY + GUILD_CREATEs, heartbeats, RESUME,
// REQUEST_GUILD_MEMBERS, and dispatching events to every connected session (as Discord does).
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import * as zlib from 'node:zlib';
import type {
  APIGuild,
  APIUnavailableGuild,
  GatewayDispatchEvents,
  GatewayDispatchPayload,
  GatewayGuildCreateDispatchData,
  GatewayGuildMembersChunkDispatchData,
  GatewayHeartbeatAck,
  GatewayHello,
  GatewayHelloData,
  GatewayInvalidSession,
  GatewayOpcodes,
  GatewayReadyDispatchData,
  GatewayReconnect,
  RESTGetAPICurrentUserResult,
  Snowflake,
} from 'discord.js';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { Opcodes } from './enums';
import type { GatewaySessionInfo, SimConfig } from './types';
import {
  apiGuildBase,
  apiGuildChannel,
  apiMember,
  apiUser,
  NO_FLAGS,
  type ApiGuild,
  type GuildRec,
  type WorldModel,
} from './world';

export const Intents = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildModeration: 1 << 2,
  GuildMessages: 1 << 9,
  DirectMessages: 1 << 12,
  GuildPresences: 1 << 8,
  MessageContent: 1 << 15,
} as const;
const ALL_INTENTS = (1 << 26) - 1;

const Op = Opcodes;

/** A dispatch event's name (`MESSAGE_CREATE`...). */
export type DispatchEvent = `${GatewayDispatchEvents}`;
/** The `d` discord-api-types gives a dispatch event. */
export type DispatchData<T extends DispatchEvent> = Extract<GatewayDispatchPayload, { t: T }>['d'];

/** Discord's `_trace` (debug info it adds to HELLO, READY and RESUMED; not in discord-api-types). */
interface Traced {
  _trace: string[];
}

/**
 * READY as the simulator sends it: discord-api-types' fields plus the ones Discord sends bots as well (empty here),
 * and the user with its account fields.
 */
type ReadyData = Omit<GatewayReadyDispatchData, 'user' | 'application'> &
  Traced & {
    user: RESTGetAPICurrentUserResult;
    application: Pick<GatewayReadyDispatchData['application'], 'id' | 'flags'>;
    user_settings: Record<string, never>;
    session_type: string;
    private_channels: never[];
    presences: never[];
    relationships: never[];
    guild_join_requests: never[];
    geo_ordered_rtc_regions: string[];
    auth: Record<string, never>;
  };

/**
 * GUILD_CREATE as the simulator sends it: the guild (see ApiGuild) plus Discord's undocumented `embedded_activities`
 * and `lazy`.
 */
type GuildCreateData = Omit<GatewayGuildCreateDispatchData, keyof APIGuild> &
  ApiGuild & { embedded_activities: never[]; lazy: boolean };

/**
 * What the simulator writes on a socket. HELLO, HEARTBEAT_ACK, RECONNECT and INVALID_SESSION go without the
 * `t: null, s: null` Discord adds (clients ignore them); RECONNECT carries `d: null`.
 */
type Outgoing =
  | (Pick<GatewayHello, 'op'> & { d: GatewayHelloData & Traced })
  | Pick<GatewayHeartbeatAck, 'op'>
  | Pick<GatewayInvalidSession, 'op' | 'd'>
  | (Pick<GatewayReconnect, 'op'> & { d: null })
  | { op: GatewayOpcodes.Dispatch; t: string; s: number; d: unknown };

/** What the gateway needs from the simulator. */
export interface GatewayHost {
  readonly token: string;
  readonly model: WorldModel;
  readonly config: SimConfig;
  wsUrl(): string;
  changed(): void;
  log(msg: string): void;
}

interface Buffered {
  s: number;
  t: string;
  d: unknown;
}

class Session {
  readonly id = randomBytes(16).toString('hex');
  ws: WebSocket | null = null;
  seq = 0;
  intents = 0;
  shard: [number, number] = [0, 1];
  compression: 'none' | 'zlib-stream' | 'identify' = 'none';
  encoding = 'json';
  version = '10';
  largeThreshold = 50;
  identified = false;
  ready = false;
  guildsExpected = 0;
  guildsSent = 0;
  heartbeats = 0;
  identify: unknown = null;
  identifiedAt = 0;
  resumed = 0;
  closedAt = 0;
  buffer: Buffered[] = [];
  deflate: zlib.Deflate | null = null;
  private chain: Promise<void> = Promise.resolve();

  get open(): boolean {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends a payload, in order, with the connection's compression. `done` fires once it was written. */
  send(payload: Outgoing, done?: () => void): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) {
      done?.();
      return;
    }
    const json = JSON.stringify(payload);
    const deflate = this.deflate;
    if (deflate) {
      this.chain = this.chain.then(
        () =>
          new Promise<void>((resolve) => {
            const chunks: Buffer[] = [];
            const onData = (c: Buffer): void => {
              chunks.push(c);
            };
            deflate.on('data', onData);
            deflate.write(json);
            deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
              deflate.off('data', onData);
              if (ws.readyState === WebSocket.OPEN) ws.send(Buffer.concat(chunks), () => done?.());
              else done?.();
              resolve();
            });
          }),
      );
      return;
    }
    if (this.compression === 'identify' && payload.op === Op.Dispatch && json.length > 1024) {
      ws.send(zlib.deflateSync(json), () => done?.());
      return;
    }
    ws.send(json, () => done?.());
  }

  info(): GatewaySessionInfo {
    return {
      sessionId: this.id,
      identifiedAt: this.identifiedAt,
      open: this.open,
      identified: this.identified,
      intents: this.intents,
      compression: this.compression,
      encoding: this.encoding,
      version: this.version,
      seq: this.seq,
      heartbeats: this.heartbeats,
      guildsSent: this.guildsSent,
      guildsExpected: this.guildsExpected,
      ready: this.ready,
      identify: this.identify,
      resumed: this.resumed,
      shard: this.shard,
    };
  }
}

const RESUMABLE_MS = 3 * 60 * 1000;
const BUFFER_LIMIT = 10000;
/** Discord refuses a session that would hold more guilds than this (close 4011, sharding required). */
export const MAX_GUILDS_PER_SHARD = 2500;
/** GET /gateway/bot recommends one shard per this many guilds. */
export const GUILDS_PER_RECOMMENDED_SHARD = 1000;

export function shardOf(guildId: string, count: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(count));
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class Gateway {
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  readonly sessions: Session[] = [];
  identifies = 0;
  /** IDENTIFYs refused for coming faster than the identify window of their bucket. */
  identifyRateLimited = 0;
  /** When each identify bucket (`shard_id % max_concurrency`) last accepted an IDENTIFY. */
  private readonly bucketAt = new Map<number, number>();

  constructor(private readonly host: GatewayHost) {}

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, req));
  }

  private onConnection(ws: WebSocket, req: IncomingMessage): void {
    const url = new URL(req.url ?? '/', 'http://sim');
    const v = url.searchParams.get('v') ?? '';
    const encoding = url.searchParams.get('encoding') ?? 'json';
    const compress = url.searchParams.get('compress');
    // a fresh connection state; a RESUME re-attaches it to the old session
    const conn = new Session();
    conn.ws = ws;
    conn.version = v;
    conn.encoding = encoding;
    if (compress === 'zlib-stream') {
      conn.compression = 'zlib-stream';
      conn.deflate = zlib.createDeflate({ chunkSize: 65536 });
    }
    this.host.log(`gateway: connection ${req.url ?? ''}`);
    if (v !== '10') {
      ws.close(4012, 'Invalid API version');
      return;
    }
    if (encoding !== 'json') {
      ws.close(4002, 'Decode error: only encoding=json is simulated');
      return;
    }
    if (compress && compress !== 'zlib-stream') {
      ws.close(4002, 'Decode error: unsupported compress');
      return;
    }
    let session: Session = conn;
    ws.on('message', (data: RawData, isBinary: boolean) => {
      let payload: unknown;
      try {
        const text = isBinary ? Buffer.from(data as Buffer).toString('utf8') : (data as Buffer).toString('utf8');
        payload = JSON.parse(text);
      } catch {
        ws.close(4002, 'Decode error');
        return;
      }
      if (!isObj(payload) || typeof payload.op !== 'number') {
        ws.close(4002, 'Decode error');
        return;
      }
      session = this.onPayload(session, ws, payload);
    });
    ws.on('close', () => {
      if (session.ws === ws) {
        session.ws = null;
        session.closedAt = Date.now();
        session.deflate?.close();
        session.deflate = null;
      }
      this.host.changed();
    });
    ws.on('error', () => undefined);
    conn.send({
      op: Op.Hello,
      d: { heartbeat_interval: this.host.config.heartbeatIntervalMs, _trace: ['["discord-sim"]'] },
    });
    this.host.changed();
  }

  private onPayload(session: Session, ws: WebSocket, p: Record<string, unknown>): Session {
    const d = p.d;
    switch (p.op) {
      case Op.Heartbeat:
        session.heartbeats++;
        session.send({ op: Op.HeartbeatAck });
        return session;
      case Op.Identify:
        return this.onIdentify(session, ws, d);
      case Op.Resume:
        return this.onResume(session, ws, d);
      case Op.RequestGuildMembers:
        if (!session.identified) ws.close(4003, 'Not authenticated');
        else this.onRequestMembers(session, d);
        return session;
      case Op.PresenceUpdate:
      case Op.VoiceStateUpdate:
      case Op.RequestSoundboardSounds:
        if (!session.identified) ws.close(4003, 'Not authenticated');
        return session;
      default:
        ws.close(4001, 'Unknown opcode');
        return session;
    }
  }

  private tokenOk(token: unknown): boolean {
    return typeof token === 'string' && token.replace(/^Bot\s+/i, '') === this.host.token;
  }

  private onIdentify(session: Session, ws: WebSocket, d: unknown): Session {
    if (session.identified) {
      ws.close(4005, 'Already authenticated');
      return session;
    }
    if (!isObj(d) || !this.tokenOk(d.token)) {
      ws.close(4004, 'Authentication failed');
      return session;
    }
    const intents = d.intents;
    if (typeof intents !== 'number' || !Number.isInteger(intents) || intents < 0 || (intents & ~ALL_INTENTS) !== 0) {
      ws.close(4013, 'Invalid intent(s)');
      return session;
    }
    const flags = this.host.model.applicationFlags;
    const allowed = (need: number, a: number, b: number): boolean => (intents & need) === 0 || (flags & (a | b)) !== 0;
    if (
      !allowed(Intents.GuildMembers, 1 << 14, 1 << 15) ||
      !allowed(Intents.GuildPresences, 1 << 12, 1 << 13) ||
      !allowed(Intents.MessageContent, 1 << 18, 1 << 19)
    ) {
      ws.close(4014, 'Disallowed intent(s)');
      return session;
    }
    let shard: [number, number] = [0, 1];
    if (Array.isArray(d.shard)) {
      const [id, count] = d.shard as unknown[];
      if (typeof id !== 'number' || typeof count !== 'number' || count < 1 || id < 0 || id >= count) {
        ws.close(4010, 'Invalid shard');
        return session;
      }
      shard = [id, count];
    }
    const model = this.host.model;
    const guilds = [...model.guilds.values()].filter((g) => shardOf(g.id, shard[1]) === shard[0]);
    if (guilds.length > MAX_GUILDS_PER_SHARD) {
      ws.close(4011, 'Sharding required');
      return session;
    }
    // Discord: "Clients are limited by maximum concurrency when Identifying; if they exceed this limit,
    // the gateway will respond with an Opcode 9 Invalid Session." (not resumable: identify again later)
    const window = this.host.config.identifyWindowMs;
    if (window > 0) {
      const bucket = shard[0] % Math.max(1, this.host.config.maxConcurrency);
      const now = Date.now();
      const last = this.bucketAt.get(bucket);
      if (last !== undefined && now - last < window) {
        this.identifyRateLimited++;
        this.host.log(`gateway: IDENTIFY of shard ${shard[0]} within ${window} ms of bucket ${bucket}'s last`);
        session.send({ op: Op.InvalidSession, d: false });
        return session;
      }
      this.bucketAt.set(bucket, now);
    }
    session.identified = true;
    session.identifiedAt = Date.now();
    session.intents = intents;
    session.shard = shard;
    session.identify = { ...d, token: '[redacted]' };
    if (d.compress === true && session.compression === 'none') session.compression = 'identify';
    if (typeof d.large_threshold === 'number') session.largeThreshold = Math.min(250, Math.max(50, d.large_threshold));
    this.identifies++;
    this.sessions.push(session);
    this.prune();

    const bot = model.user(model.botUserId);
    if (!bot) throw new Error('the world has no bot user');
    session.seq++;
    const ready: ReadyData = {
      v: 10,
      user_settings: {},
      user: { ...apiUser(bot), verified: true, mfa_enabled: false, email: null, flags: NO_FLAGS },
      guilds: guilds.map((g): APIUnavailableGuild => ({ id: g.id, unavailable: true })),
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: this.host.wsUrl(),
      shard,
      application: { id: model.applicationId, flags: model.applicationFlags },
      private_channels: [],
      presences: [],
      relationships: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: ['sim'],
      auth: {},
      _trace: ['["discord-sim"]'],
    };
    session.send({ op: Op.Dispatch, t: 'READY', s: session.seq, d: ready });
    const withGuilds = (intents & Intents.Guilds) !== 0;
    session.guildsExpected = withGuilds ? guilds.length : 0;
    session.guildsSent = 0;
    if (!withGuilds || guilds.length === 0) {
      session.ready = true;
      this.host.changed();
      return session;
    }
    void this.streamGuilds(session, guilds);
    this.host.changed();
    return session;
  }

  private async streamGuilds(session: Session, guilds: GuildRec[]): Promise<void> {
    let i = 0;
    for (const g of guilds) {
      if (!session.open) return;
      const last = i === guilds.length - 1;
      session.seq++;
      const payload: Outgoing = { op: Op.Dispatch, t: 'GUILD_CREATE', s: session.seq, d: this.guildCreate(g, session) };
      session.send(payload, () => {
        session.guildsSent++;
        if (last) {
          session.ready = true;
          this.host.changed();
        }
      });
      i++;
      // let the event loop breathe while streaming thousands of guilds
      if (i % 50 === 0) await new Promise<void>((r) => setImmediate(r));
    }
  }

  guildCreate(g: GuildRec, session: Session | null): GuildCreateData {
    const model = this.host.model;
    const count = g.memberCount;
    const large = count > (session?.largeThreshold ?? 50);
    const all =
      model.guildCreateMembers === 'all' ||
      (session !== null && (session.intents & Intents.GuildPresences) !== 0 && !large);
    const members = all ? [...g.members.values()] : [g.botMember];
    return {
      ...apiGuildBase(g),
      joined_at: g.botMember.joinedAt,
      large,
      unavailable: false,
      member_count: count,
      voice_states: [],
      members: members.map((m) => apiMember(model, m)),
      channels: [...g.channels.values()].map((c) => apiGuildChannel(c)),
      threads: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
      embedded_activities: [],
      lazy: true,
    };
  }

  private onResume(session: Session, ws: WebSocket, d: unknown): Session {
    if (session.identified) {
      ws.close(4005, 'Already authenticated');
      return session;
    }
    if (!isObj(d) || !this.tokenOk(d.token)) {
      ws.close(4004, 'Authentication failed');
      return session;
    }
    const old = this.sessions.find((s) => s.id === d.session_id);
    const seq = typeof d.seq === 'number' ? d.seq : 0;
    if (!old || (old.ws === null && Date.now() - old.closedAt > RESUMABLE_MS) || seq > old.seq) {
      session.send({ op: Op.InvalidSession, d: false });
      return session;
    }
    if (old.ws && old.ws !== ws && old.ws.readyState === WebSocket.OPEN)
      old.ws.close(4000, 'Session resumed elsewhere');
    old.ws = ws;
    old.deflate = session.deflate;
    if (session.compression === 'zlib-stream') old.compression = 'zlib-stream';
    old.resumed++;
    for (const ev of old.buffer) {
      if (ev.s > seq) old.send({ op: Op.Dispatch, t: ev.t, s: ev.s, d: ev.d });
    }
    old.seq++;
    old.send({ op: Op.Dispatch, t: 'RESUMED', s: old.seq, d: { _trace: ['["discord-sim"]'] } });
    this.host.changed();
    return old;
  }

  private onRequestMembers(session: Session, d: unknown): void {
    if (!isObj(d)) return;
    const model = this.host.model;
    const ids = Array.isArray(d.guild_id) ? (d.guild_id as unknown[]) : [d.guild_id];
    const nonce = typeof d.nonce === 'string' ? d.nonce : undefined;
    for (const gid of ids) {
      const g = typeof gid === 'string' ? model.guild(gid) : undefined;
      // Discord answers only for the guilds of the shard the request came on
      if (!g || shardOf(g.id, session.shard[1]) !== session.shard[0]) continue;
      let members = [...g.members.values()];
      const notFound: string[] = [];
      if (Array.isArray(d.user_ids) || typeof d.user_ids === 'string') {
        const wanted = (Array.isArray(d.user_ids) ? d.user_ids : [d.user_ids]).map(String);
        members = members.filter((m) => wanted.includes(m.userId));
        for (const w of wanted) if (!g.members.has(w)) notFound.push(w);
      } else {
        const query = typeof d.query === 'string' ? d.query.toLowerCase() : '';
        const limit = typeof d.limit === 'number' && d.limit > 0 ? d.limit : Infinity;
        if (query) {
          members = members.filter((m) => {
            const u = model.user(m.userId);
            return (
              (u?.username.toLowerCase().startsWith(query) ?? false) ||
              (m.nick?.toLowerCase().startsWith(query) ?? false)
            );
          });
        } else if ((session.intents & Intents.GuildMembers) === 0) {
          // Discord requires the GUILD_MEMBERS intent to list a whole guild
          session.ws?.close(4013, 'Invalid intent(s)');
          return;
        }
        members = members.slice(0, limit);
      }
      const chunkSize = 1000;
      const chunkCount = Math.max(1, Math.ceil(members.length / chunkSize));
      for (let i = 0; i < chunkCount; i++) {
        const part = members.slice(i * chunkSize, (i + 1) * chunkSize);
        const chunk: GatewayGuildMembersChunkDispatchData = {
          guild_id: g.id,
          members: part.map((m) => apiMember(model, m)),
          chunk_index: i,
          chunk_count: chunkCount,
          ...(i === chunkCount - 1 && notFound.length ? { not_found: notFound } : {}),
          ...(nonce !== undefined ? { nonce } : {}),
        };
        this.sendTo(session, 'GUILD_MEMBERS_CHUNK', chunk);
      }
    }
  }

  private sendTo(session: Session, t: string, d: unknown): void {
    session.seq++;
    const s = session.seq;
    session.buffer.push({ s, t, d });
    if (session.buffer.length > BUFFER_LIMIT) session.buffer.splice(0, session.buffer.length - BUFFER_LIMIT);
    session.send({ op: Op.Dispatch, t, s, d });
  }

  /**
   * Sends a dispatch to every identified session that would receive it on Discord (shard, intents).
   * Returns the number of live (open) sessions it went to.
   */
  dispatch<T extends DispatchEvent>(
    t: T,
    d: DispatchData<T>,
    opts: { guildId?: Snowflake | null; intent?: number } = {},
  ): number {
    return this.dispatchRaw(t, d, opts);
  }

  /** `dispatch` for an event the caller shapes itself (a test's own event, or a deliberately partial one). */
  dispatchRaw(t: string, d: unknown, opts: { guildId?: Snowflake | null; intent?: number } = {}): number {
    let delivered = 0;
    for (const s of this.sessions) {
      if (!s.identified) continue;
      // a closed session keeps collecting events for a while, so that a RESUME can replay them
      if (s.ws === null && Date.now() - s.closedAt > RESUMABLE_MS) continue;
      const shardId = opts.guildId ? shardOf(opts.guildId, s.shard[1]) : 0;
      if (shardId !== s.shard[0]) continue;
      if (opts.intent !== undefined && (s.intents & opts.intent) === 0) continue;
      this.sendTo(s, t, d);
      if (s.open) delivered++;
    }
    return delivered;
  }

  /** Whether some open session would get events needing `intent` for this guild. */
  hasReceiver(opts: { guildId?: string | null; intent?: number } = {}): boolean {
    return this.sessions.some(
      (s) =>
        s.identified &&
        s.open &&
        (opts.guildId ? shardOf(opts.guildId, s.shard[1]) : 0) === s.shard[0] &&
        (opts.intent === undefined || (s.intents & opts.intent) !== 0),
    );
  }

  anyReady(since = 0): boolean {
    return this.sessions.some((s) => s.open && s.ready && s.identifiedAt >= since);
  }

  /** Whether every shard of `count` has an open, ready session identified since `since`. */
  allShardsReady(count: number, since = 0): boolean {
    for (let id = 0; id < count; id++) {
      const held = this.sessions.some(
        (s) => s.open && s.ready && s.identifiedAt >= since && s.shard[0] === id && s.shard[1] === count,
      );
      if (!held) return false;
    }
    return true;
  }

  /** The shard count GET /gateway/bot recommends: one per 1,000 guilds. */
  recommendedShards(): number {
    return Math.max(1, Math.ceil(this.host.model.guilds.size / GUILDS_PER_RECOMMENDED_SHARD));
  }

  /** When an IDENTIFY for `shardId` will be taken (epoch ms; at once if its bucket's window is over). */
  identifyAllowedAt(shardId: number): number {
    const window = this.host.config.identifyWindowMs;
    const last = this.bucketAt.get(shardId % Math.max(1, this.host.config.maxConcurrency));
    return window > 0 && last !== undefined ? last + window : 0;
  }

  /** Forgets when each identify bucket was last used (a reset of the simulator). */
  resetIdentifyBuckets(): void {
    this.bucketAt.clear();
    this.identifyRateLimited = 0;
  }

  info(): GatewaySessionInfo[] {
    return this.sessions.map((s) => s.info());
  }

  /** Asks every open session to reconnect and resume (op 7). */
  requestReconnect(): number {
    let n = 0;
    for (const s of this.sessions) {
      if (s.open) {
        s.send({ op: Op.Reconnect, d: null });
        n++;
      }
    }
    return n;
  }

  /** Invalidates every open session (op 9, not resumable): clients must identify again. */
  invalidateSessions(): number {
    let n = 0;
    for (const s of this.sessions) {
      if (s.open) {
        s.send({ op: Op.InvalidSession, d: false });
        s.identified = false;
        s.ready = false;
        n++;
      }
    }
    return n;
  }

  /** Closes every socket with the given code (e.g. 1000 normal, 4000 unknown error -> clients resume). */
  closeAll(code = 1000, reason = 'sim closing'): void {
    for (const s of this.sessions) if (s.ws && s.ws.readyState === WebSocket.OPEN) s.ws.close(code, reason);
    for (const c of this.wss.clients) if (c.readyState === WebSocket.OPEN) c.close(code, reason);
  }

  private prune(): void {
    const now = Date.now();
    for (let i = this.sessions.length - 1; i >= 0; i--) {
      const s = this.sessions[i];
      if (!s.open && s.closedAt && now - s.closedAt > RESUMABLE_MS) this.sessions.splice(i, 1);
    }
  }
}
