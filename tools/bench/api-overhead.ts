import autocannon from 'autocannon';
import { DiscordSim } from '../discord-sim/sim-client';
import { BENCH_SECRET, botEnv, memberIds } from './fixture';
import { cpuMs, freePort, startBaseline, startBot, type LoggedProcess, startDemoBackend } from './processes';
import { percentile } from './stats';

export interface TargetFigures {
  requestsPerSecond: number;
  /** Median over the rounds of each round's p99 (autocannon's, in ms). */
  p99Ms: number;
  p50Ms: number;
  /** CPU time of the server process per request answered (µs): what the machine's load does not change much. */
  cpuPerRequestUs: number;
  non2xx: number;
  errors: number;
}

export interface RouteFigures {
  service: TargetFigures;
  baseline: TargetFigures;
  /** service throughput / baseline throughput */
  ratio: number;
}

export interface ApiOverheadResult {
  connections: number;
  /** Seconds of load per target and route, in `rounds` alternating rounds. */
  durationS: number;
  rounds: number;
  health: RouteFigures;
  notify: RouteFigures;
}

const CONNECTIONS = 100;
const WARMUP_S = 3;
/** The two targets take turns, so a change in the machine's load hits both alike. */
const ROUNDS = 5;
/** Both REST clients may go as fast as the simulator answers: this measures our cost, not Discord's limit. */
const UNLIMITED_REST = '100000';

type Route = 'health' | 'notify';

/** One autocannon run; notify bodies are all different (a new event each), spread over the given users. */
function drive(url: string, route: Route, durationS: number, users: string[], tag: string) {
  const headers = { authorization: `Bearer ${BENCH_SECRET}`, 'content-type': 'application/json' };
  if (route === 'health') {
    return autocannon({ url: `${url}/internal/health`, connections: CONNECTIONS, duration: durationS, headers });
  }
  let n = 0;
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration: durationS,
    requests: [
      {
        method: 'POST',
        path: '/internal/notify',
        headers,
        setupRequest: (request) => {
          const i = n++;
          const body = {
            discord_id: users[i % users.length],
            action: 'subscription_updated',
            plan: 'moddy_max',
            metadata: { event_id: `${tag}-${i}`, amount: 999, currency: 'eur', subscription_type: 'monthly' },
          };
          return { ...request, body: JSON.stringify(body) };
        },
      },
    ],
  });
}

interface Round {
  requests: number;
  seconds: number;
  p50: number;
  p99: number;
  cpuMs: number;
  non2xx: number;
  errors: number;
}

function total(rounds: Round[]): TargetFigures {
  const sum = (f: (r: Round) => number) => rounds.reduce((acc, r) => acc + f(r), 0);
  return {
    requestsPerSecond: sum((r) => r.requests) / sum((r) => r.seconds),
    p50Ms: percentile(
      rounds.map((r) => r.p50),
      50,
    ),
    p99Ms: percentile(
      rounds.map((r) => r.p99),
      50,
    ),
    cpuPerRequestUs:
      (sum((r) => r.cpuMs) * 1000) /
      Math.max(
        1,
        sum((r) => r.requests),
      ),
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
  };
}

async function round(target: LoggedProcess, url: string, route: Route, seconds: number, users: string[], tag: string) {
  const before = cpuMs(target.pid);
  const result = await drive(url, route, seconds, users, tag);
  return {
    requests: result.requests.total,
    seconds: result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuMs: cpuMs(target.pid) - before,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/**
 * Internal API overhead: the service (`node dist/main.js`) and the plain Fastify baseline, each in its own
 * process against one simulator answering at once, driven alike by autocannon (100 connections). After a
 * warm-up (which also fills both DM channel caches), they take turns for `durationS` seconds each.
 */
export async function apiOverhead(durationS: number): Promise<ApiOverheadResult> {
  const sim = await DiscordSim.start({ world: { synthetic: { guilds: 1, membersPerGuild: 1000 } } });
  const backend = await startDemoBackend(BENCH_SECRET);
  const users = await memberIds(sim, sim.world.syntheticGuildIds[0], 1000);
  const botPort = await freePort();
  const basePort = await freePort();
  const bot = startBot({ ...botEnv(sim, botPort, backend.url), DISCORD_GLOBAL_RATE_LIMIT: UNLIMITED_REST }, 'api');
  const baseline = startBaseline({
    PORT: String(basePort),
    DISCORD_API_URL: sim.apiUrl,
    DISCORD_TOKEN: sim.token,
    INTERNAL_API_SECRET: BENCH_SECRET,
    DISCORD_GLOBAL_RATE_LIMIT: UNLIMITED_REST,
  });
  try {
    await bot.waitForLine((l) => String(l.message).startsWith('Internal API listening'), 30_000);
    await baseline.waitForText('BASELINE_LISTENING', 30_000);
    await sim.waitForCommands();
    const targets = {
      service: { process: bot, url: `http://127.0.0.1:${botPort}` },
      baseline: { process: baseline, url: `http://127.0.0.1:${basePort}` },
    };
    const seconds = Math.max(1, Math.round(durationS / ROUNDS));
    const out = {} as Record<Route, RouteFigures>;
    for (const route of ['health', 'notify'] as const) {
      const rounds: Record<'service' | 'baseline', Round[]> = { service: [], baseline: [] };
      for (const name of ['service', 'baseline'] as const) {
        await drive(targets[name].url, route, WARMUP_S, users, `${name}-warm`);
      }
      for (let i = 0; i < ROUNDS; i++) {
        for (const name of ['service', 'baseline'] as const) {
          const { process, url } = targets[name];
          rounds[name].push(await round(process, url, route, seconds, users, `${name}-${i}`));
        }
      }
      const service = total(rounds.service);
      const base = total(rounds.baseline);
      out[route] = { service, baseline: base, ratio: service.requestsPerSecond / base.requestsPerSecond };
    }
    return { connections: CONNECTIONS, durationS: seconds * ROUNDS, rounds: ROUNDS, ...out };
  } finally {
    await bot.stop();
    await baseline.stop();
    await backend.process.stop();
    await sim.stop();
  }
}
