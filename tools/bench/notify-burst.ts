import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiscordSim, type InteractionView } from '../discord-sim/sim-client';
import { BENCH_SECRET, botEnv, memberIds } from './fixture';
import { freePort, startBot, startDemoBackend, type LoggedProcess } from './processes';
import { percentile, sleep } from './stats';

export interface NotifyBurstResult {
  users: number;
  globalPerSecond: number;
  /** Every member was DMed once before the service restarted (row 3b). */
  afterRestart: boolean;
  /** REST requests the burst needs at least (per user: open the DM channel and send, or only send) / the limit. */
  floorS: number;
  /** From the first call sent to the last DM created. */
  totalS: number | null;
  /** totalS / floorS */
  ratio: number | null;
  delivered: number;
  lost: number;
  doubled: number;
  answeredWithin5s: number;
  answerP99Ms: number;
  queuedAnswers: number;
  /** DM requests Discord answered (channel opens and sends, 429s aside) per notification. */
  requestsPerNotification: number;
  /** Answers of 429 (retried): not in requestsPerNotification. */
  rateLimited429: number;
  /** `/subscription` run during the burst (row 2c), dispatch to final reply on the simulator's clock. */
  commands?: { count: number; perSecond: number; failed: number; toFinalP50Ms: number; toFinalP99Ms: number };
}

const GLOBAL_PER_SECOND = 50;
const DM_ROUTES = ['POST /users/@me/channels', 'POST /channels/*/messages'];

export interface NotifyBurstOptions {
  /** Row 3b: DM every member once, restart the service on the same store, then the burst. */
  afterRestart?: boolean;
  /** Row 2c: `/subscription` at this rate from the Moddy server's members while the burst runs. */
  commandsPerSecond?: number;
}

const notify = (port: number, discordId: string, eventId: string) =>
  fetch(`http://127.0.0.1:${port}/internal/notify`, {
    method: 'POST',
    headers: { authorization: `Bearer ${BENCH_SECRET}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      discord_id: discordId,
      action: 'subscription_created',
      plan: 'moddy_max',
      metadata: { event_id: eventId },
    }),
    signal: AbortSignal.timeout(60_000),
  });

/** The simulator's own clock: from dispatching INTERACTION_CREATE to the final edit of the reply. */
function toFinal(view: InteractionView): number | undefined {
  const first = view.callbacks[0];
  if (!first || view.status === 'failed') return undefined;
  return (view.edits.length > 0 ? view.edits[view.edits.length - 1].at : first.at) - view.createdAt;
}

/**
 * The durability issue's burst: one `/internal/notify` for each of `userCount` distinct members, all at once,
 * while the simulator enforces Discord's global 50 requests/s. A DM to a member never DMed costs two requests
 * (open the DM channel, send); to one DMed before, one (the channel id is stored with the member), also after a
 * restart. DMs are counted in the simulator once nothing moves.
 */
export async function notifyBurst(userCount: number, options: NotifyBurstOptions = {}): Promise<NotifyBurstResult> {
  const sim = await DiscordSim.start({ world: { synthetic: { guilds: 1, membersPerGuild: userCount } } });
  const backend = await startDemoBackend(BENCH_SECRET);
  const users = await memberIds(sim, sim.world.syntheticGuildIds[0], userCount);
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'moddy-bench-burst-'));
  const env = { ...botEnv(sim, port, backend.url), DATA_DIR: dataDir };
  const boot = async (name: string) => {
    const bot = startBot(env, name);
    await bot.waitForLine((l) => String(l.message).startsWith('Internal API listening'), 30_000);
    await sim.waitForReady();
    await sim.waitForCommands();
    return bot;
  };
  let bot: LoggedProcess | undefined;
  try {
    bot = await boot('burst');
    if (options.afterRestart) {
      // Every member DMed once (no rate limit: this is the set-up), then a restart on the same store.
      await sim.setRateLimits({ enabled: false });
      for (let i = 0; i < users.length; i += 100) {
        await Promise.all(users.slice(i, i + 100).map((u, j) => notify(port, u, `before-${i + j}`)));
      }
      await waitForDms(sim, users, 0, 120_000);
      await bot.stop();
      bot = await boot('burst-restarted');
    }
    // Only the global limit binds (Discord's per-route limits for DMs are not published).
    await sim.setRateLimits({
      enabled: true,
      globalPerSecond: GLOBAL_PER_SECOND,
      perRoute: { limit: 1e6, windowMs: 1000 },
    });
    const sinceSeq = Math.max(0, ...(await sim.requests()).map((r) => r.seq));
    const floorS = ((options.afterRestart ? 1 : 2) * userCount) / GLOBAL_PER_SECOND;
    const startedAt = Date.now();
    const bursting = { on: true };
    const commands = options.commandsPerSecond ? runCommands(sim, options.commandsPerSecond, bursting) : undefined;
    const answers = await Promise.all(
      users.map(async (discordId, i) => {
        const sent = Date.now();
        try {
          const res = await notify(port, discordId, `burst-${i}`);
          const body = (await res.json()) as { queued?: boolean };
          return { ms: Date.now() - sent, ok: res.ok, queued: body.queued === true };
        } catch {
          return { ms: Date.now() - sent, ok: false, queued: false };
        }
      }),
    );
    await waitForDms(sim, users, startedAt, Math.max(3 * floorS * 1000, 120_000));
    bursting.on = false;
    const views = (await commands) ?? [];
    await sleep(2000); // a late duplicate would show now
    let delivered = 0;
    let doubled = 0;
    let lastDmAt = 0;
    for (let i = 0; i < users.length; i += 50) {
      const batch = await Promise.all(users.slice(i, i + 50).map((u) => dmsSince(sim, u, startedAt)));
      for (const dms of batch) {
        if (dms.length > 0) delivered++;
        if (dms.length > 1) doubled++;
        for (const m of dms) lastDmAt = Math.max(lastDmAt, Date.parse(m.timestamp));
      }
    }
    const totalS = delivered === userCount ? (lastDmAt - startedAt) / 1000 : null;
    let dmRequests = 0;
    let rateLimited429 = 0;
    for (const route of DM_ROUTES) {
      for (const r of await sim.requests({ route, sinceSeq })) {
        if (r.status === 429) rateLimited429++;
        else dmRequests++;
      }
    }
    const finals = views.map(toFinal).filter((ms): ms is number => ms !== undefined);
    return {
      users: userCount,
      globalPerSecond: GLOBAL_PER_SECOND,
      afterRestart: options.afterRestart === true,
      floorS,
      totalS,
      ratio: totalS === null ? null : totalS / floorS,
      delivered,
      lost: userCount - delivered,
      doubled,
      answeredWithin5s: answers.filter((a) => a.ok && a.ms <= 5000).length,
      answerP99Ms: percentile(
        answers.map((a) => a.ms),
        99,
      ),
      queuedAnswers: answers.filter((a) => a.queued).length,
      requestsPerNotification: dmRequests / userCount,
      rateLimited429,
      ...(options.commandsPerSecond
        ? {
            commands: {
              count: views.length,
              perSecond: options.commandsPerSecond,
              failed: views.length - finals.length,
              toFinalP50Ms: percentile(finals, 50),
              toFinalP99Ms: percentile(finals, 99),
            },
          }
        : {}),
    };
  } finally {
    await bot?.stop();
    await backend.process.stop();
    await sim.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The DMs a member received since `since` (the simulator's timestamps). */
async function dmsSince(sim: DiscordSim, user: string, since: number) {
  return (await sim.dmsTo(user)).filter((m) => Date.parse(m.timestamp) >= since);
}

/** Until every member has a DM sent since `since`, or nothing new arrived for 20 s, or `timeoutMs`. */
async function waitForDms(sim: DiscordSim, users: string[], since: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const sends = async () =>
    (await sim.requests({ method: 'POST', route: 'POST /channels/*/messages', status: 200 })).filter(
      (r) => r.at >= since,
    ).length;
  let last = -1;
  let lastChange = Date.now();
  for (;;) {
    const sent = await sends();
    if (sent >= users.length || Date.now() > deadline || Date.now() - lastChange > 20_000) return;
    if (sent !== last) {
      last = sent;
      lastChange = Date.now();
    }
    await sleep(1000);
  }
}

/** `/subscription` from the Moddy server's members, `perSecond`, while `bursting.on`. */
async function runCommands(sim: DiscordSim, perSecond: number, bursting: { on: boolean }): Promise<InteractionView[]> {
  const members = ['alice', 'bob', 'dave', 'erin', 'frank'];
  const running: Promise<InteractionView>[] = [];
  const start = Date.now();
  for (let i = 0; bursting.on; i++) {
    await sleep(start + (i * 1000) / perSecond - Date.now());
    if (!bursting.on) break;
    running.push(
      (async () => {
        const handle = await sim.slash({ user: members[i % members.length], name: 'subscription' });
        return handle.waitForFinal(15_000).catch(() => handle.view());
      })(),
    );
  }
  return Promise.all(running);
}
