// The control API under /_sim/ (JSON). Used by sim-client.ts; documented in README.md.
import type * as http from 'node:http';
import { ApiError } from './errors';
import { parseJsonExact } from './json';
import { compileRoutes, findRoute, pathSegments } from './patterns';
import type { Simulator } from './sim';
import type { ClickOptions, RecordedFilter, SimConfig, SimMessage, SlashOptions } from './types';
import { isObject, type SchemaKey } from './validation';
import type { MemberRec } from './world';

const SCHEMA_KEYS: readonly SchemaKey[] = [
  'commandsBulk',
  'commandCreate',
  'commandPatch',
  'interactionCallback',
  'webhookExecute',
  'webhookEdit',
  'createDm',
  'messageCreate',
  'messageEdit',
  'memberPatch',
];

type Send = (res: http.ServerResponse, status: number, body: unknown) => void;
type Reader = (req: http.IncomingMessage) => Promise<Buffer>;

function num(q: URLSearchParams, key: string, dflt: number): number {
  const v = q.get(key);
  return v === null || v === '' ? dflt : Number(v);
}

function filterFrom(q: URLSearchParams): RecordedFilter {
  const f: RecordedFilter = {};
  const method = q.get('method');
  const route = q.get('route');
  const prefix = q.get('pathPrefix');
  const status = q.get('status');
  const since = q.get('sinceSeq');
  if (method) f.method = method;
  if (route) f.route = route;
  if (prefix) f.pathPrefix = prefix;
  if (status) f.status = Number(status);
  if (since) f.sinceSeq = Number(since);
  return f;
}

interface ControlCtx {
  sim: Simulator;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
  /** `timeoutMs` of the query (default 10 s), for the wait routes. */
  timeout: number;
}

interface ControlRoute {
  method: string;
  /** Template below /_sim, `:params` as in rest.ts. */
  template: string;
  /** The answer (200 JSON); undefined answers 204. */
  handle(ctx: ControlCtx): unknown;
}

/** Waits until `list()` holds at least `count` items (the query's `count`, default 1) and answers the list. */
function waitForCount<T>(ctx: ControlCtx, list: () => T[], what: string): Promise<T[]> {
  const count = num(ctx.query, 'count', 1);
  return ctx.sim.waitFor(
    () => {
      const items = list();
      return items.length >= count ? items : undefined;
    },
    ctx.timeout,
    `${count} ${what}`,
  );
}

/** A member of guild `:guild_id` by the `:user` name or id (404 if not a member). */
function memberOf(ctx: ControlCtx): MemberRec {
  const g = ctx.sim.guild(ctx.params.guild_id);
  const who = ctx.params.user;
  const u = ctx.sim.model.resolveUser(who);
  const m = u ? g.members.get(u.id) : undefined;
  if (!m) throw new ApiError(404, 0, `${who} is not a member of ${g.name}`);
  return m;
}

const ROUTES: ControlRoute[] = [
  { method: 'GET', template: '/health', handle: ({ sim }) => ({ ok: true, port: sim.port, pid: process.pid }) },
  { method: 'GET', template: '/world', handle: ({ sim }) => sim.model.summary() },
  { method: 'GET', template: '/config', handle: ({ sim }) => sim.config },
  {
    method: 'POST',
    template: '/config',
    handle: ({ sim, body }) => {
      sim.config = { ...sim.config, ...(body as Partial<SimConfig>) };
      return sim.config;
    },
  },
  {
    method: 'POST',
    template: '/reset',
    handle: ({ sim, body }) => {
      sim.reset({ commands: body.commands === true });
      return { ok: true };
    },
  },
  { method: 'GET', template: '/requests', handle: ({ sim, query }) => sim.filterRequests(filterFrom(query)) },
  { method: 'GET', template: '/unknown-routes', handle: ({ sim }) => sim.requests.filter((r) => r.route === null) },
  {
    method: 'GET',
    template: '/invalid-requests',
    handle: ({ sim }) => sim.requests.filter((r) => r.errorCode === 50035),
  },
  { method: 'GET', template: '/stats', handle: ({ sim }) => sim.stats() },
  {
    method: 'POST',
    template: '/validate',
    handle: ({ sim, body }) => {
      const schema = body.schema as SchemaKey;
      if (!SCHEMA_KEYS.includes(schema) || !Array.isArray(body.bodies)) {
        throw new ApiError(400, 0, `validate wants {schema: ${SCHEMA_KEYS.join(' | ')}, bodies: [...]}`);
      }
      return { errors: body.bodies.map((b: unknown) => sim.validator.validate(schema, b)) };
    },
  },
  { method: 'GET', template: '/commands', handle: ({ sim }) => sim.allCommands() },
  { method: 'GET', template: '/faults', handle: ({ sim }) => sim.faults },
  {
    method: 'POST',
    template: '/faults',
    handle: ({ sim, body }) => {
      sim.setFaults(body);
      return sim.faults;
    },
  },
  { method: 'GET', template: '/ratelimits', handle: ({ sim }) => rateLimits(sim) },
  {
    method: 'POST',
    template: '/ratelimits',
    handle: ({ sim, body }) => {
      sim.rateLimiter.configure(body);
      return rateLimits(sim);
    },
  },

  // ---- waits ----
  {
    method: 'GET',
    template: '/wait/ready',
    handle: ({ sim, query, timeout }) => {
      const shards = num(query, 'shards', 0);
      const since = num(query, 'since', 0);
      return sim.waitFor(
        () =>
          (shards > 0 ? sim.gateway.allShardsReady(shards, since) : sim.gateway.anyReady(since))
            ? { ready: true }
            : undefined,
        timeout,
        shards > 0 ? `every one of ${shards} shards READY` : 'a READY client with all its GUILD_CREATEs',
      );
    },
  },
  {
    method: 'GET',
    template: '/wait/commands',
    handle: (ctx) => waitForCount(ctx, () => ctx.sim.allCommands(), 'registered command(s)'),
  },
  {
    method: 'GET',
    template: '/wait/requests',
    handle: (ctx) => {
      const f = filterFrom(ctx.query);
      return waitForCount(ctx, () => ctx.sim.filterRequests(f), `request(s) matching ${JSON.stringify(f)}`);
    },
  },
  {
    method: 'GET',
    template: '/wait/dms',
    handle: (ctx) => {
      const who = ctx.query.get('user') ?? '';
      return waitForCount(ctx, () => dmsOf(ctx.sim, who), `DM(s) to ${who}`);
    },
  },

  {
    method: 'GET',
    template: '/wait/arrivals',
    handle: (ctx) => {
      const f = filterFrom(ctx.query);
      return waitForCount(
        ctx,
        () => ctx.sim.filterRequests(f, ctx.sim.arrivals),
        `arrived request(s) matching ${JSON.stringify(f)}`,
      );
    },
  },
  {
    method: 'GET',
    template: '/wait/idle',
    handle: ({ sim, timeout }) =>
      sim.waitFor(() => (sim.idle ? { idle: true } : undefined), timeout, 'every request answered'),
  },
  {
    method: 'GET',
    template: '/wait/identify',
    handle: ({ sim, query, timeout }) => {
      const shard = num(query, 'shard', 0);
      const at = sim.gateway.identifyAllowedAt(shard);
      // the window is a clock: this waits for its end (+1 ms, as timers may fire a little early)
      const wait = Math.max(0, at - Date.now() + 1);
      if (wait > timeout) throw new ApiError(408, 0, `shard ${shard} may identify only in ${wait} ms`);
      return new Promise((resolve) => setTimeout(() => resolve({ allowedAt: at }), wait));
    },
  },

  // ---- channels, DMs, members ----
  {
    method: 'GET',
    template: '/channels/:channel_id/messages',
    handle: ({ sim, params }) => sim.channelMessages(params.channel_id),
  },
  { method: 'GET', template: '/dms/:user', handle: ({ sim, params }) => dmsOf(sim, params.user) },
  { method: 'GET', template: '/guilds/:guild_id/members/:user', handle: memberOf },
  {
    method: 'POST',
    template: '/guilds/:guild_id/members/:user/join',
    handle: ({ sim, params }) => sim.memberJoin(sim.guild(params.guild_id).id, params.user),
  },
  {
    method: 'POST',
    template: '/guilds/:guild_id/members/:user/roles',
    handle: (ctx) => {
      // A person changing the member's roles in Discord's own UI (no bot permission check).
      const g = ctx.sim.guild(ctx.params.guild_id);
      const m = memberOf(ctx);
      const { add = [], remove = [] } = ctx.body as { add?: string[]; remove?: string[] };
      for (const r of [...add, ...remove]) if (!g.role(r)) throw new ApiError(404, 10011, `unknown role ${r}`);
      ctx.sim.setMemberRoles(
        g,
        m,
        [...m.roles, ...add].filter((r) => !remove.includes(r)),
      );
      return m;
    },
  },
  {
    method: 'POST',
    template: '/guilds/:guild_id/members/:user/leave',
    handle: ({ sim, params }) => {
      sim.memberLeave(sim.guild(params.guild_id).id, params.user);
      return { ok: true };
    },
  },

  // ---- interactions ----
  {
    method: 'POST',
    template: '/interactions/slash',
    handle: ({ sim, body }) => sim.interactions.slash(body as unknown as SlashOptions),
  },
  {
    method: 'POST',
    template: '/interactions/click',
    handle: ({ sim, body }) => sim.interactions.click(body as unknown as ClickOptions),
  },
  { method: 'GET', template: '/interactions', handle: ({ sim }) => sim.interactions.all() },
  { method: 'GET', template: '/interactions/:id', handle: ({ sim, params }) => sim.interactions.viewById(params.id) },
  {
    method: 'GET',
    template: '/interactions/:id/wait',
    handle: ({ sim, params, query, timeout }) => {
      const id = params.id;
      const until = query.get('until') ?? 'response';
      sim.interactions.viewById(id);
      return sim.waitFor(
        () => {
          const v = sim.interactions.viewById(id);
          if (v.status === 'failed') return v;
          if (until === 'final') return v.final ? v : undefined;
          return v.status === 'responded' ? v : undefined;
        },
        timeout,
        `interaction ${id} to be ${until === 'final' ? 'final' : 'answered'}`,
      );
    },
  },

  // ---- gateway ----
  { method: 'GET', template: '/gateway/sessions', handle: ({ sim }) => sim.gateway.info() },
  {
    method: 'POST',
    template: '/gateway/reconnect',
    handle: ({ sim }) => ({ sessions: sim.gateway.requestReconnect() }),
  },
  {
    method: 'POST',
    template: '/gateway/invalidate',
    handle: ({ sim }) => ({ sessions: sim.gateway.invalidateSessions() }),
  },
  {
    method: 'POST',
    template: '/gateway/close',
    handle: ({ sim, query }) => {
      sim.gateway.closeAll(num(query, 'code', 4000), 'closed by control API');
      return { ok: true };
    },
  },
  {
    method: 'POST',
    template: '/gateway/dispatch',
    handle: ({ sim, body }) => {
      const t = String(body.t);
      const guildId = typeof body.guildId === 'string' ? body.guildId : null;
      return { delivered: sim.gateway.dispatchRaw(t, body.d, { guildId }) };
    },
  },
  {
    method: 'POST',
    template: '/shutdown',
    handle: () => {
      setTimeout(() => process.kill(process.pid, 'SIGTERM'), 10);
      return { ok: true };
    },
  },
];

const compiled = compileRoutes(ROUTES);

export async function handleControl(
  sim: Simulator,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  readBody: Reader,
  send: Send,
): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const segs = pathSegments(url.pathname).slice(1);
  const query = url.searchParams;
  const raw = await readBody(req);
  let body: Record<string, unknown> = {};
  if (raw.length) {
    const parsed = parseJsonExact(raw.toString('utf8'));
    if (isObject(parsed)) body = parsed;
  }
  try {
    const { match } = findRoute(compiled, method, segs);
    if (!match) {
      const route = `${method} /${segs.map((s, i) => (i > 0 && /^\d+$/.test(s) ? ':id' : s)).join('/')}`;
      throw new ApiError(404, 0, `unknown control route ${route}`);
    }
    const timeout = num(query, 'timeoutMs', 10000);
    const out: unknown = await match.route.handle({ sim, params: match.params, query, body, timeout });
    send(res, out === undefined ? 204 : 200, out);
  } catch (e) {
    if (e instanceof ApiError) {
      send(res, e.status === 0 ? 400 : e.status, { error: e.message, code: e.code });
    } else {
      const msg = e instanceof Error ? e.message : String(e);
      send(res, 500, { error: msg });
    }
  }
}

function rateLimits(sim: Simulator): unknown {
  return { ...sim.rateLimiter.config, hits: sim.rateLimiter.hits, globalHits: sim.rateLimiter.globalHits };
}

function dmsOf(sim: Simulator, who: string): SimMessage[] {
  const u = sim.model.resolveUser(who);
  if (!u) throw new ApiError(404, 0, `unknown user ${who}`);
  const c = sim.dmChannels.get(u.id);
  return c ? sim.channelMessages(c.id) : [];
}
