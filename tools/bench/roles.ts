import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DiscordSim, type InteractionView } from '../discord-sim/sim-client';
import { defaultGuildSpec } from '../discord-sim/world';
import { BENCH_SECRET, botEnv } from './fixture';
import { freePort, rssMb, startBot, startDemoBackend } from './processes';
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
  /** Requests the burst needs at least (change the role: no read) / the global limit. */
  floorS: number;
  /** Member reads and role writes Discord answered (429s aside) per change. */
  requestsPerChange: number;
  rateLimited429: number;
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
    // The gateway's view of members' roles is whole (writes without reads from then on).
    await bot.waitForLine((l) => String(l.message).startsWith('Member roles of the Moddy server followed'), 60_000);
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
    const floorS = count / GLOBAL_PER_SECOND;
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
    let requests = 0;
    let rateLimited429 = 0;
    for (const route of [
      'GET /guilds/*/members/*',
      'PUT /guilds/*/members/*/roles/*',
      'DELETE /guilds/*/members/*/roles/*',
    ]) {
      for (const r of await sim.requests({ route })) {
        if (r.status === 429) rateLimited429++;
        else requests++;
      }
    }
    return {
      members: count,
      floorS,
      requestsPerChange: requests / count,
      rateLimited429,
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
 * A backend for the sweep: the members `pays` names subscribe, the others do not. With `list`, it offers the
 * contract 1.2 list of entitled members (else 404, as a 1.0 backend). Answers in-process.
 */
async function sweepBackend(
  pays: (discordId: string) => boolean,
  list: string[] | undefined,
): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      const body = (raw ? JSON.parse(raw) : {}) as { discord_id?: string; cursor?: string | null; limit?: number };
      const send = (value: unknown, status = 200) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (req.url === '/internal/subscription/entitled') {
        if (!list) return send({ detail: 'Not Found' }, 404);
        const from = body.cursor ? Number(body.cursor) : 0;
        const limit = body.limit ?? 1000;
        const page = list.slice(from, from + limit);
        return send({ discord_ids: page, next_cursor: from + limit < list.length ? String(from + limit) : null });
      }
      if (req.url === '/internal/subscription/info') {
        if (!body.discord_id || !pays(body.discord_id)) {
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
  members: number;
  /** Members who pay without the role (added) and hold it without paying (removed). */
  toAdd: number;
  toRemove: number;
  backendRps: number;
  /** Whether the backend offered its list of entitled members (contract 1.2). */
  list: boolean;
  /** Backend reads of one member (the sweep's, and one per `/subscription` of the commands meanwhile). */
  backendReads: number;
  /** The sweep's own duration (its log line). */
  durationS: number | null;
  /**
   * What the budgets allow at best, one after the other: the member pages (and the list's pages) at Discord's
   * and the backend's rate, the backend reads at ROLE_SYNC_BACKEND_RPS, then every role change at Discord's
   * 50/s (one request: the gateway's view says what the member holds). Additions are applied while the reads go on, so a sweep can beat
   * this floor; removals wait for the last read (the brake needs them all).
   */
  floorS: number;
  ratio: number | null;
  added: number | null;
  removed: number | null;
  commands: number;
  deferP99Ms: number;
  failedCommands: number;
}

/**
 * Issue 21's full sweep over `count` members: 1 in 10 pays without the role, 1 in 20 holds it without paying,
 * 1 in 20 pays and holds it. ROLE_SYNC_BACKEND_RPS is raised so that reading every member takes about a
 * minute; `/subscription` runs at 5 per second meanwhile and its defer latency is measured on the simulator's
 * clock. With `list`, the backend offers its list of entitled members, and only the holders outside it are read.
 */
export async function sweepBench(count: number, list: boolean): Promise<SweepBenchResult> {
  const paysWithout = (i: number) => i % 10 === 0;
  const holdsWithout = (i: number) => i % 20 === 5;
  const paysAndHolds = (i: number) => i % 20 === 15;
  const sim = await guildOf(count, 'h', (i) => holdsWithout(i) || paysAndHolds(i));
  const ids = Array.from({ length: count }, (_, i) => sim.userId(`h${i}`));
  const paying = new Set(ids.filter((_, i) => paysWithout(i) || paysAndHolds(i)));
  const backend = await sweepBackend((id) => paying.has(id), list ? [...paying] : undefined);
  const backendRps = Math.ceil(count / 60);
  const port = await freePort();
  const bot = startBot(
    {
      ...botEnv(sim, port, backend.url),
      ROLE_SYNC_BACKEND_RPS: String(backendRps),
      ROLE_SYNC_MAX_REMOVALS: String(count),
      ROLE_SYNC_INTERVAL_HOURS: '0',
    },
    'sweep',
  );
  let backendReads = 0;
  backend.server.on('request', (req: { url?: string }) => {
    if (req.url === '/internal/subscription/info') backendReads++;
  });
  try {
    await bot.waitForLine((l) => String(l.message).startsWith('Internal API listening'), 30_000);
    await sim.waitForReady();
    await sim.waitForCommands();
    await bot.waitForLine((l) => String(l.message).startsWith('Member roles of the Moddy server followed'), 60_000);
    await onlyGlobalLimit(sim);
    const sync = await sim.slash({ user: 'admin', name: 'admin', group: 'roles', subcommand: 'sync' });
    await sync.waitForFinal();
    await (await sim.click({ user: 'admin', customId: 'rolesync/run', messageOf: sync })).waitForResponse();
    const views: Promise<InteractionView>[] = [];
    // Members whose roles are right: their commands measure the sweep's effect on others, not a repair.
    const commandUsers = ids.filter((_, i) => i % 5 === 1).slice(0, 300);
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
    const toAdd = ids.filter((_, i) => paysWithout(i)).length;
    // The default world's own holders (bob) do not pay this backend either.
    const defaultHolders = defaultGuildSpec().members?.filter((m) => m.roles?.includes('premium')).length ?? 0;
    const toRemove = ids.filter((_, i) => holdsWithout(i)).length + defaultHolders;
    const pages = Math.ceil((count + 10) / 1000);
    const reads = list ? toRemove : count;
    const floorS =
      pages / GLOBAL_PER_SECOND +
      (list ? Math.ceil(paying.size / 1000) / backendRps : 0) +
      reads / backendRps +
      (toAdd + toRemove) / GLOBAL_PER_SECOND;
    const durationS = typeof line.durationMs === 'number' ? line.durationMs / 1000 : null;
    return {
      members: count,
      toAdd,
      toRemove,
      backendRps,
      list,
      backendReads,
      durationS,
      floorS,
      ratio: durationS === null ? null : durationS / floorS,
      added: typeof line.added === 'number' ? line.added : null,
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

export interface ViewMemoryResult {
  members: number;
  /** Gateway ready to every member's roles followed (REQUEST_GUILD_MEMBERS answered), ms. */
  toFollowedMs: number;
  /** Resident set size once followed and settled, MB. */
  rssMb: number;
}

/**
 * Row 4c: the Moddy guild with `count` members (1 in 100 premium), every one in the gateway's view of members'
 * roles: the service's RSS once the view is whole and settled.
 */
export async function viewMemory(count: number): Promise<ViewMemoryResult> {
  const sim = await guildOf(count, 'v', (i) => i % 100 === 0);
  const backend = await startDemoBackend(BENCH_SECRET);
  const bot = startBot(
    { ...botEnv(sim, await freePort(), backend.url), ROLE_SYNC_INTERVAL_HOURS: '0' },
    `view-${count}`,
  );
  try {
    const ready = await bot.waitForLine((l) => l.message === 'Discord gateway ready', 120_000);
    const followed = await bot.waitForLine(
      (l) => String(l.message).startsWith('Member roles of the Moddy server followed'),
      300_000,
    );
    await sleep(5000);
    return {
      members: count,
      toFollowedMs: Number(followed.time) - Number(ready.time),
      rssMb: rssMb(bot.pid),
    };
  } finally {
    await bot.stop();
    await backend.process.stop();
    await sim.stop();
  }
}
