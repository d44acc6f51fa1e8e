import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DiscordSim, type InteractionView } from '../discord-sim/sim-client';
import { defaultGuildSpec } from '../discord-sim/world';
import { BENCH_SECRET, botEnv } from './fixture';
import { freePort, startBot, startDemoBackend } from './processes';
import { percentile, sleep } from './stats';

const GLOBAL_PER_SECOND = 50;

/** The main guild with `count` extra members, premium for those `holding` says. */
async function guildOf(count: number, prefix: string, holding: (i: number) => boolean): Promise<DiscordSim> {
  const guild = defaultGuildSpec();
  const names = Array.from({ length: count }, (_, i) => `${prefix}${i}`);
  return DiscordSim.start({
    world: {
      users: names.map((name) => ({ name })),
      guilds: [
        {
          ...guild,
          members: [
            ...(guild.members ?? []),
            ...names.map((user, i) => ({ user, roles: holding(i) ? ['premium'] : [] })),
          ],
        },
      ],
    },
    startTimeoutMs: 60_000,
  });
}

const onlyGlobalLimit = (sim: DiscordSim) =>
  sim.setRateLimits({ enabled: true, globalPerSecond: GLOBAL_PER_SECOND, perRoute: { limit: 1e6, windowMs: 1000 } });

/** Role adds and removals Discord accepted. */
async function roleWrites(sim: DiscordSim): Promise<number> {
  const puts = await sim.requests({ route: 'PUT /guilds/*/members/*/roles/*', status: 204 });
  const deletes = await sim.requests({ route: 'DELETE /guilds/*/members/*/roles/*', status: 204 });
  return puts.length + deletes.length;
}

export interface RoleBurstResult {
  members: number;
  /** Requests the burst needs at least (read the member, change the role) / the global limit. */
  floorS: number;
  totalS: number | null;
  ratio: number | null;
  answeredWithin5s: number;
  answerP99Ms: number;
  queuedAnswers: number;
  wrong: number;
}

/**
 * Issue 10's burst: one `/internal/roles/update` for each of `count` members at once (half of them lose the
 * premium role, half get it), with Discord's global 50 requests/s enforced.
 */
export async function roleBurst(count: number): Promise<RoleBurstResult> {
  const holds = (i: number) => i % 2 === 0;
  const sim = await guildOf(count, 'b', holds);
  const backend = await startDemoBackend(BENCH_SECRET);
  const port = await freePort();
  const bot = startBot(botEnv(sim, port, backend.url), 'role-burst');
  try {
    await bot.waitForLine((l) => String(l.message).startsWith('Internal API listening'), 30_000);
    await sim.waitForReady();
    await onlyGlobalLimit(sim);
    const ids = Array.from({ length: count }, (_, i) => sim.userId(`b${i}`));
    const startedAt = Date.now();
    const answers = await Promise.all(
      ids.map(async (discordId, i) => {
        const sent = Date.now();
        try {
          const res = await fetch(`http://127.0.0.1:${port}/internal/roles/update`, {
            method: 'POST',
            headers: { authorization: `Bearer ${BENCH_SECRET}`, 'content-type': 'application/json' },
            body: JSON.stringify({ discord_id: discordId, plan: holds(i) ? 'free' : 'moddy_max' }),
            signal: AbortSignal.timeout(60_000),
          });
          const body = (await res.json()) as { queued?: boolean };
          return { ms: Date.now() - sent, ok: res.ok, queued: body.queued === true };
        } catch {
          return { ms: Date.now() - sent, ok: false, queued: false };
        }
      }),
    );
    const floorS = (2 * count) / GLOBAL_PER_SECOND;
    const deadline = startedAt + Math.max(3 * floorS * 1000, 120_000);
    let finishedAt: number | null = null;
    while (Date.now() < deadline) {
      if ((await roleWrites(sim)) >= count) {
        finishedAt = Date.now();
        break;
      }
      await sleep(250);
    }
    let wrong = 0;
    for (let i = 0; i < count; i += 50) {
      const batch = await Promise.all(ids.slice(i, i + 50).map((id) => sim.memberRoleNames(id)));
      batch.forEach((roles, j) => {
        if (roles.includes('premium') === holds(i + j)) wrong++;
      });
    }
    const totalS = finishedAt === null || wrong > 0 ? null : (finishedAt - startedAt) / 1000;
    return {
      members: count,
      floorS,
      totalS,
      ratio: totalS === null ? null : totalS / floorS,
      answeredWithin5s: answers.filter((a) => a.ok && a.ms <= 5000).length,
      answerP99Ms: percentile(
        answers.map((a) => a.ms),
        99,
      ),
      queuedAnswers: answers.filter((a) => a.queued).length,
      wrong,
    };
  } finally {
    await bot.stop();
    await backend.process.stop();
    await sim.stop();
  }
}

/**
 * A backend for the sweep: every member subscribes but each `lapsed`-th one, so the sweep finds that much
 * drift. Answers in-process (a few hundred reads a second at most).
 */
async function sweepBackend(lapsed: (discordId: string) => boolean): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      const body = (raw ? JSON.parse(raw) : {}) as { discord_id?: string };
      const send = (value: unknown) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (req.url === '/internal/subscription/info') {
        if (body.discord_id && lapsed(body.discord_id)) {
          send({ success: true, message: 'No active subscription', has_subscription: false, subscription: null });
          return;
        }
        send({
          success: true,
          message: 'Subscription found',
          has_subscription: true,
          subscription: {
            subscription_id: `sub_${body.discord_id}`,
            customer_id: `cus_${body.discord_id}`,
            status: 'active',
            subscription_type: 'monthly',
            current_period_start: '2026-11-01T00:00:00+00:00',
            current_period_end: '2026-12-01T00:00:00+00:00',
            cancel_at_period_end: false,
            amount: 999,
            currency: 'eur',
          },
        });
        return;
      }
      if (req.url === '/internal/event/notify') {
        send({ success: true, message: 'ok', event_received: true });
        return;
      }
      send({ status: 'healthy', service: 'website-backend', version: 'bench' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

export interface SweepBenchResult {
  holders: number;
  drifted: number;
  backendRps: number;
  /** The sweep's own duration (its log line). */
  durationS: number | null;
  /**
   * What the budgets allow at best: the member list and the backend reads (ROLE_SYNC_BACKEND_RPS), then the
   * removals at Discord's 50/s (read the member, remove the role). The removals cannot overlap the reads: the
   * safety brake decides on the number of removals, known once every member is read.
   */
  floorS: number;
  ratio: number | null;
  removed: number | null;
  commands: number;
  deferP99Ms: number;
  failedCommands: number;
}

/**
 * Issue 10's sweep over `holders` members holding the premium role, 1 in 20 of whom no longer pays, with
 * ROLE_SYNC_BACKEND_RPS raised so that reading the truth takes about a minute; `/subscription` runs at
 * 5 per second meanwhile and its defer latency is measured on the simulator's clock.
 */
export async function sweepBench(holders: number): Promise<SweepBenchResult> {
  const sim = await guildOf(holders, 'h', () => true);
  const ids = Array.from({ length: holders }, (_, i) => sim.userId(`h${i}`));
  const lapsedIds = new Set(ids.filter((_, i) => i % 20 === 0));
  const backend = await sweepBackend((id) => lapsedIds.has(id));
  const backendRps = Math.ceil(holders / 60);
  const port = await freePort();
  const bot = startBot(
    {
      ...botEnv(sim, port, backend.url),
      ROLE_SYNC_BACKEND_RPS: String(backendRps),
      ROLE_SYNC_MAX_REMOVALS: String(holders),
      ROLE_SYNC_INTERVAL_HOURS: '0',
    },
    'sweep',
  );
  try {
    await bot.waitForLine((l) => String(l.message).startsWith('Internal API listening'), 30_000);
    await sim.waitForReady();
    await sim.waitForCommands();
    await onlyGlobalLimit(sim);
    const sync = await sim.slash({ user: 'admin', name: 'admin', group: 'roles', subcommand: 'sync' });
    await sync.waitForFinal();
    await (await sim.click({ user: 'admin', customId: 'rolesync/run', messageOf: sync })).waitForResponse();
    const views: Promise<InteractionView>[] = [];
    const commandUsers = ids.slice(1, 301);
    let done: Record<string, unknown> | undefined;
    const watch = bot.waitForLine((l) => /^Role sweep (done|held)/.test(String(l.message)), 30 * 60_000);
    void watch.then((line) => (done = line));
    for (let i = 0; !done && i < commandUsers.length; i++) {
      const handle = await sim.slash({ user: commandUsers[i], name: 'subscription' });
      views.push(handle.waitForFinal(15_000).catch(() => handle.view()));
      await sleep(200);
    }
    const line = await watch;
    const measured = (await Promise.all(views)).filter((v) => v.callbacks[0] && v.status !== 'failed');
    const drifted = lapsedIds.size;
    const floorS =
      Math.ceil(holders / 1000) / GLOBAL_PER_SECOND + holders / backendRps + (2 * drifted) / GLOBAL_PER_SECOND;
    const durationS = typeof line.durationMs === 'number' ? line.durationMs / 1000 : null;
    return {
      holders,
      drifted,
      backendRps,
      durationS,
      floorS,
      ratio: durationS === null ? null : durationS / floorS,
      removed: typeof line.removed === 'number' ? line.removed : null,
      commands: views.length,
      deferP99Ms: percentile(
        measured.map((v) => v.callbacks[0].at - v.createdAt),
        99,
      ),
      failedCommands: views.length - measured.length,
    };
  } finally {
    await bot.stop();
    await new Promise((resolve) => backend.server.close(resolve));
    await sim.stop();
  }
}
