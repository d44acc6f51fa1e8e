// The control API under /_sim/ (JSON). Used by sim-client.ts; documented in README.md.
import type * as http from 'node:http';
import { ApiError } from './errors';
import { parseJsonExact } from './json';
import type { Simulator } from './sim';
import type { ClickOptions, RecordedFilter, SimConfig, SlashOptions } from './types';
import { isObject, type SchemaKey } from './validation';

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

export async function handleControl(
  sim: Simulator,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  readBody: Reader,
  send: Send,
): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const segs = url.pathname.split('/').filter(Boolean).slice(1).map(decodeURIComponent);
  const q = url.searchParams;
  const raw = await readBody(req);
  let body: Record<string, unknown> = {};
  if (raw.length) {
    const parsed = parseJsonExact(raw.toString('utf8'));
    if (isObject(parsed)) body = parsed;
  }
  const route = `${method} /${segs.map((s, i) => (i > 0 && /^\d+$/.test(s) ? ':id' : s)).join('/')}`;
  try {
    const out = await dispatch(sim, method, segs, route, q, body);
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

async function dispatch(
  sim: Simulator,
  method: string,
  segs: string[],
  route: string,
  q: URLSearchParams,
  body: Record<string, unknown>,
): Promise<unknown> {
  const timeout = num(q, 'timeoutMs', 10000);
  const [a, b, c, d] = segs;
  if (method === 'GET' && a === 'health') return { ok: true, port: sim.port, pid: process.pid };
  if (method === 'GET' && a === 'world') return sim.model.summary();
  if (a === 'config') {
    if (method === 'POST') sim.config = { ...sim.config, ...(body as Partial<SimConfig>) };
    return sim.config;
  }
  if (method === 'POST' && a === 'reset') {
    sim.reset({ commands: body.commands === true });
    return { ok: true };
  }
  if (method === 'GET' && a === 'requests') return sim.filterRequests(filterFrom(q));
  if (method === 'GET' && a === 'unknown-routes') return sim.requests.filter((r) => r.route === null);
  if (method === 'GET' && a === 'invalid-requests') return sim.requests.filter((r) => r.errorCode === 50035);
  if (method === 'GET' && a === 'stats') return sim.stats();
  if (method === 'POST' && a === 'validate') {
    const schema = body.schema as SchemaKey;
    if (!SCHEMA_KEYS.includes(schema) || !Array.isArray(body.bodies)) {
      throw new ApiError(400, 0, `validate wants {schema: ${SCHEMA_KEYS.join(' | ')}, bodies: [...]}`);
    }
    return { errors: body.bodies.map((b: unknown) => sim.validator.validate(schema, b)) };
  }
  if (method === 'GET' && a === 'commands') return sim.allCommands();
  if (a === 'faults') {
    if (method === 'POST') sim.setFaults(body);
    return sim.faults;
  }
  if (a === 'ratelimits') {
    if (method === 'POST') sim.rateLimiter.configure(body);
    return { ...sim.rateLimiter.config, hits: sim.rateLimiter.hits, globalHits: sim.rateLimiter.globalHits };
  }
  if (a === 'wait' && method === 'GET') {
    switch (b) {
      case 'ready': {
        const shards = num(q, 'shards', 0);
        const since = num(q, 'since', 0);
        return sim.waitFor(
          () =>
            (shards > 0 ? sim.gateway.allShardsReady(shards, since) : sim.gateway.anyReady(since))
              ? { ready: true }
              : undefined,
          timeout,
          shards > 0 ? `every one of ${shards} shards READY` : 'a READY client with all its GUILD_CREATEs',
        );
      }
      case 'commands': {
        const count = num(q, 'count', 1);
        return sim.waitFor(
          () => {
            const all = sim.allCommands();
            return all.length >= count ? all : undefined;
          },
          timeout,
          `${count} registered command(s)`,
        );
      }
      case 'requests': {
        const count = num(q, 'count', 1);
        const f = filterFrom(q);
        return sim.waitFor(
          () => {
            const list = sim.filterRequests(f);
            return list.length >= count ? list : undefined;
          },
          timeout,
          `${count} request(s) matching ${JSON.stringify(f)}`,
        );
      }
      case 'dms': {
        const count = num(q, 'count', 1);
        const who = q.get('user') ?? '';
        return sim.waitFor(
          () => {
            const list = dmsOf(sim, who);
            return list.length >= count ? list : undefined;
          },
          timeout,
          `${count} DM(s) to ${who}`,
        );
      }
      default:
        break;
    }
  }
  if (method === 'GET' && a === 'channels' && b && c === 'messages') return sim.channelMessages(b);
  if (method === 'GET' && a === 'dms' && b) return dmsOf(sim, b);
  if (a === 'guilds' && b && c === 'members' && d) {
    const g = sim.guild(b);
    const action = segs[4];
    if (method === 'POST' && action === 'join') return sim.memberJoin(g.id, d);
    if (method === 'POST' && action === 'roles') {
      // A person changing the member's roles in Discord's own UI (no bot permission check).
      const u = sim.model.resolveUser(d);
      const m = u ? g.members.get(u.id) : undefined;
      if (!m) throw new ApiError(404, 0, `${d} is not a member of ${g.name}`);
      const { add = [], remove = [] } = body as { add?: string[]; remove?: string[] };
      for (const r of [...add, ...remove]) if (!g.role(r)) throw new ApiError(404, 10011, `unknown role ${r}`);
      sim.setMemberRoles(
        g,
        m,
        [...m.roles, ...add].filter((r) => !remove.includes(r)),
      );
      return m;
    }
    if (method === 'POST' && action === 'leave') {
      sim.memberLeave(g.id, d);
      return { ok: true };
    }
    if (method === 'GET' && !action) {
      const u = sim.model.resolveUser(d);
      const m = u ? g.members.get(u.id) : undefined;
      if (!m) throw new ApiError(404, 0, `${d} is not a member of ${g.name}`);
      return m;
    }
  }
  if (a === 'interactions') {
    if (method === 'POST' && b === 'slash') return sim.interactions.slash(body as unknown as SlashOptions);
    if (method === 'POST' && b === 'click') return sim.interactions.click(body as unknown as ClickOptions);
    if (method === 'GET' && !b) return sim.interactions.all();
    if (method === 'GET' && b && !c) return sim.interactions.viewById(b);
    if (method === 'GET' && b && c === 'wait') {
      const until = q.get('until') ?? 'response';
      sim.interactions.viewById(b);
      return sim.waitFor(
        () => {
          const v = sim.interactions.viewById(b);
          if (v.status === 'failed') return v;
          if (until === 'final') return v.final ? v : undefined;
          return v.status === 'responded' ? v : undefined;
        },
        timeout,
        `interaction ${b} to be ${until === 'final' ? 'final' : 'answered'}`,
      );
    }
  }
  if (a === 'gateway') {
    if (method === 'GET' && b === 'sessions') return sim.gateway.info();
    if (method === 'POST' && b === 'reconnect') return { sessions: sim.gateway.requestReconnect() };
    if (method === 'POST' && b === 'invalidate') return { sessions: sim.gateway.invalidateSessions() };
    if (method === 'POST' && b === 'close') {
      sim.gateway.closeAll(num(q, 'code', 4000), 'closed by control API');
      return { ok: true };
    }
    if (method === 'POST' && b === 'dispatch') {
      const t = String(body.t);
      const guildId = typeof body.guildId === 'string' ? body.guildId : null;
      return { delivered: sim.gateway.dispatchRaw(t, body.d, { guildId }) };
    }
  }
  if (method === 'POST' && a === 'shutdown') {
    setTimeout(() => process.kill(process.pid, 'SIGTERM'), 10);
    return { ok: true };
  }
  throw new ApiError(404, 0, `unknown control route ${route}`);
}

function dmsOf(sim: Simulator, who: string): unknown[] {
  const u = sim.model.resolveUser(who);
  if (!u) throw new ApiError(404, 0, `unknown user ${who}`);
  const c = sim.dmChannels.get(u.id);
  return c ? sim.channelMessages(c.id) : [];
}
