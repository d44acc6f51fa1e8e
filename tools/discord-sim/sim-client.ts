// Test-side client of the Discord simulator. CommonJS-friendly: only node: built-ins and global fetch, no ESM
// imports. It spawns the simulator process (tools/discord-sim/main.ts under tsx) and drives it through /_sim/.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DEFAULT_TOKEN } from './types';
import type { ErrorTree, SchemaKey } from './validation';
import type {
  ClickOptions,
  Faults,
  GatewaySessionInfo,
  InteractionView,
  RateLimitConfig,
  RecordedFilter,
  RecordedRequest,
  RegisteredCommand,
  SimConfig,
  SimMessage,
  SimStats,
  SlashOptions,
  World,
  WorldSpec,
} from './types';

export type {
  ClickOptions,
  Faults,
  GatewaySessionInfo,
  InteractionView,
  RateLimitConfig,
  RecordedFilter,
  RecordedRequest,
  RegisteredCommand,
  SimConfig,
  SimMessage,
  SimStats,
  SlashOptions,
  World,
  WorldSpec,
} from './types';

/** The message type of the simulator's stores. */
export type Message = SimMessage;

export interface StartOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  token?: string;
  world?: WorldSpec;
  heartbeatIntervalMs?: number;
  /**
   * One IDENTIFY per bucket per this window; a faster one is answered with op 9 (Discord: 5000). Default 0
   * (off): most tests identify again and again and are not about pacing. discord.js paces itself at 5 s.
   */
  identifyWindowMs?: number;
  /** `max_concurrency` that GET /gateway/bot advertises (default 1, as for most bots). */
  maxConcurrency?: number;
  /** Forward the simulator's stderr to this process' stderr (default: only when DISCORD_SIM_VERBOSE=1). */
  verbose?: boolean;
  /** Max time to wait for the process to listen (default 20 s). */
  startTimeoutMs?: number;
}

export interface RateLimitOptions {
  enabled: boolean;
  globalPerSecond?: number;
  perRoute?: { limit: number; windowMs: number };
  routes?: RateLimitConfig['routes'];
}

export class SimError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(message);
    this.name = 'SimError';
  }
}

export { DEFAULT_TOKEN };

function findRepoRoot(from: string): string {
  let dir = from;
  for (;;) {
    if (existsSync(path.join(dir, 'node_modules', 'tsx'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find node_modules/tsx above ${from}`);
    dir = up;
  }
}

/** A dispatched interaction (slash command or button click) and helpers to observe the bot's answer. */
export class InteractionHandle {
  constructor(
    private readonly sim: DiscordSim,
    readonly id: string,
    readonly token: string,
    readonly initial: InteractionView,
  ) {}

  /** The interaction's current state. */
  view(): Promise<InteractionView> {
    return this.sim.call<InteractionView>('GET', `/interactions/${this.id}`);
  }

  /** Resolves once the bot sent its first callback (or the interaction failed after 3 s). */
  waitForResponse(timeoutMs = 10000): Promise<InteractionView> {
    return this.sim.call<InteractionView>(
      'GET',
      `/interactions/${this.id}/wait?until=response&timeoutMs=${timeoutMs}`,
      undefined,
      timeoutMs,
    );
  }

  /**
   * Resolves once the visible answer is final: a reply (type 4/7), a deferred reply that was edited (or got its
   * first follow-up), a deferred update followed by an edit/follow-up, or a modal. Rejects if the interaction failed.
   */
  async waitForFinal(timeoutMs = 10000): Promise<InteractionView> {
    const v = await this.sim.call<InteractionView>(
      'GET',
      `/interactions/${this.id}/wait?until=final&timeoutMs=${timeoutMs}`,
      undefined,
      timeoutMs,
    );
    if (v.status === 'failed') throw new SimError(`interaction ${this.id} failed: ${v.failure ?? 'unknown'}`, 0, v);
    return v;
  }
}

export class DiscordSim {
  readonly url: string;
  readonly apiUrl: string;
  readonly wsUrl: string;
  readonly token: string;
  readonly port: number;
  world: World;

  private constructor(
    private readonly child: ChildProcess | null,
    info: { port: number; token: string },
    world: World,
  ) {
    this.port = info.port;
    this.url = `http://127.0.0.1:${info.port}`;
    this.apiUrl = `${this.url}/api`;
    this.wsUrl = `ws://127.0.0.1:${info.port}`;
    this.token = info.token;
    this.world = world;
  }

  /** Spawns the simulator (tsx tools/discord-sim/main.ts) and resolves when it listens. */
  static async start(opts: StartOptions = {}): Promise<DiscordSim> {
    const root = findRepoRoot(__dirname);
    const main = path.join(__dirname, 'main.ts');
    const verbose = opts.verbose ?? process.env.DISCORD_SIM_VERBOSE === '1';
    // An environment variable holds at most 128 KiB on Linux: a large world goes through a file.
    let worldJson = JSON.stringify(opts.world ?? {});
    let worldFile: string | undefined;
    if (worldJson.length > 64 * 1024) {
      worldFile = path.join(mkdtempSync(path.join(tmpdir(), 'discord-sim-world-')), 'world.json');
      writeFileSync(worldFile, worldJson);
      worldJson = '{}';
    }
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DISCORD_SIM_PORT: String(opts.port ?? 0),
      DISCORD_SIM_TOKEN: opts.token ?? DEFAULT_TOKEN,
      DISCORD_SIM_WORLD: worldJson,
      DISCORD_SIM_HEARTBEAT_MS: String(opts.heartbeatIntervalMs ?? 41250),
      DISCORD_SIM_IDENTIFY_WINDOW_MS: String(opts.identifyWindowMs ?? 0),
      DISCORD_SIM_MAX_CONCURRENCY: String(opts.maxConcurrency ?? 1),
      DISCORD_SIM_EXIT_WITH_STDIN: '1',
      DISCORD_SIM_VERBOSE: verbose ? '1' : '',
    };
    delete env.DISCORD_SIM_WORLD_FILE;
    if (worldFile) env.DISCORD_SIM_WORLD_FILE = worldFile;
    // `node --import tsx` keeps it one process (the tsx CLI would add a wrapper process)
    const child = spawn(process.execPath, ['--import', 'tsx', main], {
      cwd: root,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      const text = c.toString('utf8');
      if (verbose) process.stderr.write(text);
      else if (text.includes('unknown route') || text.includes('internal error')) process.stderr.write(text);
      stderr = (stderr + text).slice(-8000);
    });
    const info = await new Promise<{ port: number; token: string }>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`discord-sim did not start within ${opts.startTimeoutMs ?? 20000} ms\n${stderr}`));
      }, opts.startTimeoutMs ?? 20000);
      const onData = (c: Buffer): void => {
        out += c.toString('utf8');
        const line = out.split('\n').find((l) => l.startsWith('DISCORD_SIM_LISTENING '));
        if (line) {
          clearTimeout(timer);
          child.stdout.off('data', onData);
          child.stdout.resume();
          resolve(JSON.parse(line.slice('DISCORD_SIM_LISTENING '.length)) as { port: number; token: string });
        }
      };
      child.stdout.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`discord-sim exited with ${String(code)} before listening\n${stderr}`));
      });
    });
    const world = await fetchJson<World>(`http://127.0.0.1:${info.port}/_sim/world`, 'GET');
    return new DiscordSim(child, info, world);
  }

  /** Attaches to an already running simulator (e.g. one started by hand with tsx). */
  static async attach(url: string, token = DEFAULT_TOKEN): Promise<DiscordSim> {
    const health = await fetchJson<{ port: number }>(`${url}/_sim/health`, 'GET');
    const world = await fetchJson<World>(`${url}/_sim/world`, 'GET');
    return new DiscordSim(null, { port: health.port, token }, world);
  }

  /** Low-level control API call (path below /_sim). */
  call<T>(method: string, p: string, body?: unknown, extraTimeoutMs = 0): Promise<T> {
    return fetchJson<T>(`${this.url}/_sim${p}`, method, body, extraTimeoutMs);
  }

  /** Stops the simulator process (SIGTERM, then SIGKILL after 3 s). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
      }, 3000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.stdin?.end();
      child.kill('SIGTERM');
    });
  }

  /**
   * Clears recordings, messages, interactions, faults and rate limits, and restores the world (members, roles)
   * to its initial state, telling connected clients about the differences. Registered commands and DM channel ids
   * are kept (the bot registers commands once at startup and caches DM channels) unless `commands: true`.
   */
  async reset(opts: { commands?: boolean } = {}): Promise<void> {
    await this.call('POST', '/reset', opts);
    this.world = await this.call<World>('GET', '/world');
  }

  // ---- waiting ----
  /**
   * Resolves when a connected gateway client identified and was sent all its GUILD_CREATEs. With `since`
   * (epoch ms), only a session identified at or after that time counts (e.g. a second bot on a shared sim).
   */
  /** Waits for a READY session with all its guilds; with `shards`, for every one of that many shards. */
  async waitForReady(timeoutMs = 15000, since?: number, shards?: number): Promise<void> {
    await this.call('GET', `/wait/ready?${query({ timeoutMs, since, shards })}`, undefined, timeoutMs);
  }

  /** Resolves with all registered commands (global and guild) once at least `count` exist. */
  waitForCommands(timeoutMs = 15000, count = 1): Promise<RegisteredCommand[]> {
    return this.call('GET', `/wait/commands?timeoutMs=${timeoutMs}&count=${count}`, undefined, timeoutMs);
  }

  /** Resolves once `count` recorded requests match the filter. */
  waitForRequests(filter: RecordedFilter, count = 1, timeoutMs = 10000): Promise<RecordedRequest[]> {
    return this.call('GET', `/wait/requests?${query({ ...filter, count, timeoutMs })}`, undefined, timeoutMs);
  }

  /**
   * Resolves once `count` requests matching the filter have reached the simulator, answered or not (a request held
   * back by `routeLatency` is there from its arrival on).
   */
  waitForArrivals(filter: RecordedFilter, count = 1, timeoutMs = 10000): Promise<RecordedRequest[]> {
    return this.call('GET', `/wait/arrivals?${query({ ...filter, count, timeoutMs })}`, undefined, timeoutMs);
  }

  /** Resolves once every REST request that reached the simulator has been answered (latency included). */
  async waitForIdle(timeoutMs = 10000): Promise<void> {
    await this.call('GET', `/wait/idle?timeoutMs=${timeoutMs}`, undefined, timeoutMs);
  }

  /** Resolves once an IDENTIFY for `shard` would be taken (its identify bucket's window is over). */
  async waitForIdentifyWindow(shard: number, timeoutMs = 10000): Promise<void> {
    await this.call('GET', `/wait/identify?${query({ shard, timeoutMs })}`, undefined, timeoutMs);
  }

  /** Resolves once the user's DM channel holds `count` messages. */
  waitForDms(user: string, count = 1, timeoutMs = 10000): Promise<SimMessage[]> {
    return this.call('GET', `/wait/dms?${query({ user, count, timeoutMs })}`, undefined, timeoutMs);
  }

  // ---- state ----
  commands(): Promise<RegisteredCommand[]> {
    return this.call('GET', '/commands');
  }

  requests(filter: RecordedFilter = {}): Promise<RecordedRequest[]> {
    return this.call('GET', `/requests?${query(filter)}`);
  }

  /** Requests that matched no simulated route (404/405). A test harness should assert this is empty. */
  unknownRoutes(): Promise<RecordedRequest[]> {
    return this.call('GET', '/unknown-routes');
  }

  /** Requests answered 400 / 50035 Invalid Form Body. */
  invalidRequests(): Promise<RecordedRequest[]> {
    return this.call('GET', '/invalid-requests');
  }

  /**
   * Validates bodies as the route with `schema` would (Discord's schemas and limits, see validation.ts), without
   * sending them: null for a valid body, else Discord's error tree. For renderer tests.
   */
  async validate(schema: SchemaKey, bodies: unknown[]): Promise<(ErrorTree | null)[]> {
    return (await this.call<{ errors: (ErrorTree | null)[] }>('POST', '/validate', { schema, bodies })).errors;
  }

  stats(): Promise<SimStats> {
    return this.call('GET', '/stats');
  }

  sessions(): Promise<GatewaySessionInfo[]> {
    return this.call('GET', '/gateway/sessions');
  }

  /** Messages (not deleted) of a channel, oldest first, ephemeral interaction responses included. */
  messages(channelId: string): Promise<SimMessage[]> {
    return this.call('GET', `/channels/${channelId}/messages`);
  }

  /** Messages in the DM channel of a user (name or id). */
  dmsTo(user: string): Promise<SimMessage[]> {
    return this.call('GET', `/dms/${encodeURIComponent(user)}`);
  }

  /** Role ids (without @everyone) of a member; user by name or id. */
  async memberRoles(guildId: string, user: string): Promise<string[]> {
    const m = await this.call<{ roles: string[] }>('GET', `/guilds/${guildId}/members/${encodeURIComponent(user)}`);
    return m.roles;
  }

  /** Role names of a member of the main guild (convenience). */
  async memberRoleNames(user: string, guildId = this.world.guildId): Promise<string[]> {
    const ids = await this.memberRoles(guildId, user);
    const guild = this.world.guilds.find((g) => g.id === guildId);
    const byId = new Map(Object.entries(guild?.roles ?? {}).map(([n, id]) => [id, n]));
    return ids.map((id) => byId.get(id) ?? id);
  }

  interaction(id: string): Promise<InteractionView> {
    return this.call('GET', `/interactions/${id}`);
  }

  interactions(): Promise<InteractionView[]> {
    return this.call('GET', '/interactions');
  }

  // ---- switches ----
  /** Merges fault switches (pass `{}`-like defaults to clear; reset() clears all). */
  async setFaults(f: Partial<Faults>): Promise<void> {
    await this.call('POST', '/faults', f);
  }

  async setRateLimits(r: RateLimitOptions): Promise<void> {
    await this.call('POST', '/ratelimits', r);
  }

  /** Number of 429s answered so far. */
  async rateLimitHits(): Promise<number> {
    const s = await this.stats();
    return s.rateLimited;
  }

  async setConfig(c: Partial<SimConfig>): Promise<SimConfig> {
    return this.call('POST', '/config', c);
  }

  // ---- acting as Discord users ----
  async slash(opts: SlashOptions): Promise<InteractionHandle> {
    const v = await this.call<InteractionView>('POST', '/interactions/slash', opts);
    return new InteractionHandle(this, v.id, v.token, v);
  }

  async click(opts: {
    user: string;
    customId: string;
    messageOf: InteractionHandle | { id: string; token: string } | { messageId: string; channelId: string };
    locale?: string;
  }): Promise<InteractionHandle> {
    const m = opts.messageOf;
    const messageOf: ClickOptions['messageOf'] =
      'messageId' in m ? { messageId: m.messageId, channelId: m.channelId } : { id: m.id, token: m.token };
    const v = await this.call<InteractionView>('POST', '/interactions/click', { ...opts, messageOf });
    return new InteractionHandle(this, v.id, v.token, v);
  }

  async memberJoin(guildId: string, user: string): Promise<void> {
    await this.call('POST', `/guilds/${guildId}/members/${encodeURIComponent(user)}/join`);
  }

  /** Changes a member's roles as a person would in Discord (by role id), dispatching GUILD_MEMBER_UPDATE. */
  async editMemberRoles(user: string, change: { add?: string[]; remove?: string[] }, guildId = this.world.guildId) {
    await this.call('POST', `/guilds/${guildId}/members/${encodeURIComponent(user)}/roles`, change);
  }

  async memberLeave(guildId: string, user: string): Promise<void> {
    await this.call('POST', `/guilds/${guildId}/members/${encodeURIComponent(user)}/leave`);
  }

  // ---- gateway switches ----
  /** Sends op 7 RECONNECT to every open session (discord.js resumes). */
  async gatewayReconnect(): Promise<number> {
    return (await this.call<{ sessions: number }>('POST', '/gateway/reconnect')).sessions;
  }

  /** Sends op 9 INVALID_SESSION (not resumable) to every open session (discord.js identifies again). */
  async gatewayInvalidate(): Promise<number> {
    return (await this.call<{ sessions: number }>('POST', '/gateway/invalidate')).sessions;
  }

  /**
   * Sends a dispatch of the test's own to every session that would get an event of that guild (no intent needed):
   * a marker, which arrives after everything dispatched before it. Returns the open sessions it went to.
   */
  async gatewayDispatch(t: string, d: unknown, guildId: string | null = this.world.guildId): Promise<number> {
    return (await this.call<{ delivered: number }>('POST', '/gateway/dispatch', { t, d, guildId })).delivered;
  }

  /** Closes every gateway socket with a close code (default 4000: clients resume). */
  async gatewayClose(code = 4000): Promise<void> {
    await this.call('POST', `/gateway/close?code=${code}`);
  }

  /** User id of a world user name (ids pass through). */
  userId(nameOrId: string): string {
    return this.world.users[nameOrId] ?? nameOrId;
  }
}

function query(o: object): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== null) p.set(k, String(v));
  return p.toString();
}

async function fetchJson<T>(url: string, method: string, body?: unknown, extraTimeoutMs = 0): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15000 + extraTimeoutMs),
  });
  const text = await res.text();
  const parsed: unknown = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const msg = typeof parsed === 'object' && parsed !== null && 'error' in parsed ? String(parsed.error) : text;
    throw new SimError(
      `discord-sim ${method} ${url.replace(/^https?:\/\/[^/]+/, '')}: ${res.status} ${msg}`,
      res.status,
      parsed,
    );
  }
  return parsed as T;
}
