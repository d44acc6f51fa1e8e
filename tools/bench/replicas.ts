import { DiscordSim } from '../discord-sim/sim-client';
import { pgSchema } from '../pg-schema';
import { BENCH_SECRET, botEnv, memberIds } from './fixture';
import { freePort, startBot, startDemoBackend, type LoggedProcess } from './processes';
import { sleep } from './stats';

export interface ReplicaPhase {
  replicas: number;
  notifications: number;
  /** Accepted notifications per second, first call sent to last answer. */
  answeredPerSecond: number;
  /** DMs per second, first call sent to the last DM created. */
  deliveredPerSecond: number;
  doubled: number;
  lost: number;
}

export interface ReplicasResult {
  one: ReplicaPhase;
  both: ReplicaPhase;
  /** both / one, answers and deliveries. */
  answerRatio: number;
  deliveryRatio: number;
  concurrency: number;
}

const CONCURRENCY = 50;

/** `count` notifications through `urls` in turn, `CONCURRENCY` in flight; then waits for every DM. */
async function phase(sim: DiscordSim, urls: string[], users: string[], tag: string): Promise<ReplicaPhase> {
  const startedAt = Date.now();
  let next = 0;
  let accepted = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < users.length; i = next++) {
        const res = await fetch(`${urls[i % urls.length]}/internal/notify`, {
          method: 'POST',
          headers: { authorization: `Bearer ${BENCH_SECRET}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            discord_id: users[i],
            action: 'subscription_created',
            plan: 'moddy_max',
            metadata: { event_id: `${tag}-${i}` },
          }),
        });
        await res.arrayBuffer();
        if (res.ok) accepted++;
      }
    }),
  );
  const answeredAt = Date.now();
  const deadline = answeredAt + 120_000;
  let delivered = 0;
  let doubled = 0;
  let lastDmAt = 0;
  for (;;) {
    delivered = 0;
    doubled = 0;
    for (let i = 0; i < users.length; i += 100) {
      const batch = await Promise.all(users.slice(i, i + 100).map((u) => sim.dmsTo(u)));
      for (const dms of batch) {
        if (dms.length > 0) delivered++;
        if (dms.length > 1) doubled++;
        for (const m of dms) lastDmAt = Math.max(lastDmAt, Date.parse(m.timestamp));
      }
    }
    if (delivered === users.length || Date.now() > deadline) break;
    await sleep(500);
  }
  return {
    replicas: urls.length,
    notifications: users.length,
    answeredPerSecond: accepted / ((answeredAt - startedAt) / 1000),
    deliveredPerSecond: delivered / ((lastDmAt - startedAt) / 1000),
    doubled,
    lost: users.length - delivered,
  };
}

/**
 * Two replicas on one PostgreSQL (TEST_DATABASE_URL) and one simulator, against one of them alone, in the
 * same run: `count` notifications to one replica running alone, then `count` others spread over both. The simulator's
 * rate limits are off: this measures what the service does, not Discord's global limit (which is per bot,
 * so more replicas do not deliver DMs faster on Discord). Undefined without TEST_DATABASE_URL.
 */
export async function replicasBench(count: number): Promise<ReplicasResult | undefined> {
  const schema = await pgSchema();
  if (!schema) return undefined;
  const sim = await DiscordSim.start({ world: { synthetic: { guilds: 1, membersPerGuild: 2 * count } } });
  const backend = await startDemoBackend(BENCH_SECRET);
  const bots: LoggedProcess[] = [];
  try {
    const users = await memberIds(sim, sim.world.syntheticGuildIds[0], 2 * count);
    const urls: string[] = [];
    const startReplica = async () => {
      const port = await freePort();
      bots.push(startBot({ ...botEnv(sim, port, backend.url), DATABASE_URL: schema.url }, `replica-${bots.length}`));
      urls.push(`http://127.0.0.1:${port}`);
      await bots[bots.length - 1].waitForLine((l) => l.message === 'Discord gateway ready', 60_000);
    };
    // The second replica starts after the first phase: it would otherwise deliver part of the queue that the
    // first phase stores (one database, one queue), and "one" would measure two.
    await startReplica();
    await sim.waitForCommands();
    const one = await phase(sim, urls.slice(0, 1), users.slice(0, count), 'one');
    await startReplica();
    const both = await phase(sim, urls, users.slice(count), 'both');
    return {
      one,
      both,
      answerRatio: both.answeredPerSecond / one.answeredPerSecond,
      deliveryRatio: both.deliveredPerSecond / one.deliveredPerSecond,
      concurrency: CONCURRENCY,
    };
  } finally {
    for (const bot of bots) await bot.stop();
    await backend.process.stop();
    await sim.stop();
    await schema.drop();
  }
}
