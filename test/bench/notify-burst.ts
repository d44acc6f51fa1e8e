import { DiscordSim } from '../discord-sim/sim-client';
import { BENCH_SECRET, botEnv, memberIds } from './fixture';
import { freePort, startBot, startDemoBackend } from './processes';
import { percentile, sleep } from './stats';

export interface NotifyBurstResult {
  users: number;
  globalPerSecond: number;
  /** REST requests the burst needs at least (open a DM channel and send, per user) / the global limit. */
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
  rateLimited429: number;
}

const GLOBAL_PER_SECOND = 50;

/**
 * The durability issue's burst: one `/internal/notify` for each of `userCount` distinct members, all at once,
 * while the simulator enforces Discord's global 50 requests/s. Each DM needs two requests (open the DM
 * channel, send), so the floor is 2 × users / 50 s. DMs are counted in the simulator once nothing moves.
 */
export async function notifyBurst(userCount: number): Promise<NotifyBurstResult> {
  const sim = await DiscordSim.start({ world: { synthetic: { guilds: 1, membersPerGuild: userCount } } });
  const backend = await startDemoBackend(BENCH_SECRET);
  const users = await memberIds(sim, sim.world.syntheticGuildIds[0], userCount);
  const port = await freePort();
  const bot = startBot(botEnv(sim, port, backend.url), 'burst');
  try {
    await bot.waitForLine((l) => String(l.message).startsWith('Internal API listening'), 30_000);
    await sim.waitForReady();
    await sim.waitForCommands();
    // Only the global limit binds (Discord's per-route limits for DMs are not published).
    await sim.setRateLimits({
      enabled: true,
      globalPerSecond: GLOBAL_PER_SECOND,
      perRoute: { limit: 1e6, windowMs: 1000 },
    });
    const floorS = (2 * userCount) / GLOBAL_PER_SECOND;
    const startedAt = Date.now();
    const answers = await Promise.all(
      users.map(async (discordId, i) => {
        const sent = Date.now();
        try {
          const res = await fetch(`http://127.0.0.1:${port}/internal/notify`, {
            method: 'POST',
            headers: { authorization: `Bearer ${BENCH_SECRET}`, 'content-type': 'application/json' },
            body: JSON.stringify({
              discord_id: discordId,
              action: 'subscription_created',
              plan: 'moddy_max',
              metadata: { event_id: `burst-${i}` },
            }),
            signal: AbortSignal.timeout(60_000),
          });
          const body = (await res.json()) as { queued?: boolean };
          return { ms: Date.now() - sent, ok: res.ok, queued: body.queued === true };
        } catch {
          return { ms: Date.now() - sent, ok: false, queued: false };
        }
      }),
    );
    // Wait until every member has a DM, or nothing new arrived for 20 s (capped at 3 × the floor).
    const deadline = startedAt + Math.max(3 * floorS * 1000, 120_000);
    let last = -1;
    let lastChange = Date.now();
    for (;;) {
      const sends = await sim.requests({ method: 'POST', route: 'POST /channels/*/messages', status: 200 });
      if (sends.length >= userCount || Date.now() > deadline || Date.now() - lastChange > 20_000) break;
      if (sends.length !== last) {
        last = sends.length;
        lastChange = Date.now();
      }
      await sleep(1000);
    }
    await sleep(2000); // a late duplicate would show now
    let delivered = 0;
    let doubled = 0;
    let lastDmAt = 0;
    for (let i = 0; i < users.length; i += 50) {
      const batch = await Promise.all(users.slice(i, i + 50).map((u) => sim.dmsTo(u)));
      for (const dms of batch) {
        if (dms.length > 0) delivered++;
        if (dms.length > 1) doubled++;
        for (const m of dms) lastDmAt = Math.max(lastDmAt, Date.parse(m.timestamp));
      }
    }
    const totalS = delivered === userCount ? (lastDmAt - startedAt) / 1000 : null;
    const stats = await sim.stats();
    return {
      users: userCount,
      globalPerSecond: GLOBAL_PER_SECOND,
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
      rateLimited429: stats.rateLimited,
    };
  } finally {
    await bot.stop();
    await backend.process.stop();
    await sim.stop();
  }
}
