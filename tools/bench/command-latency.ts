import { DiscordSim, type InteractionView } from '../discord-sim/sim-client';
import { BENCH_SECRET, botEnv, memberIds } from './fixture';
import { freePort, startBot, startDemoBackend } from './processes';
import { percentile, sleep } from './stats';

export interface CommandLatencyResult {
  interactions: number;
  /** Interactions dispatched per second (open loop: on schedule, whether earlier ones finished or not). */
  perSecond: number;
  failed: number;
  toDeferMs: { p50: number; p99: number; max: number };
  toFinalMs: { p50: number; p99: number; max: number };
}

const WARMUP = 20;

/** The simulator's own clock: from dispatching INTERACTION_CREATE to the first callback and to the final edit. */
function timings(view: InteractionView): { defer: number; final: number } | undefined {
  const first = view.callbacks[0];
  if (!first || view.status === 'failed') return undefined;
  const finalAt = view.edits.length > 0 ? view.edits[view.edits.length - 1].at : first.at;
  return { defer: first.at - view.createdAt, final: finalAt - view.createdAt };
}

const summary = (values: number[]) => ({
  p50: percentile(values, 50),
  p99: percentile(values, 99),
  max: Math.max(...values),
});

/**
 * `/subscription` from `count` distinct members of a guild (so each one misses the subscription cache and
 * costs a backend call, as a member's first command does), dispatched at `perSecond`. The final replies go
 * through the service's InteractionLane, outside discord.js's global limiter, as Discord counts them.
 */
export async function commandLatency(count: number, perSecond: number): Promise<CommandLatencyResult> {
  const sim = await DiscordSim.start({ world: { synthetic: { guilds: 1, membersPerGuild: count + WARMUP } } });
  const backend = await startDemoBackend(BENCH_SECRET);
  const guildId = sim.world.syntheticGuildIds[0];
  const users = await memberIds(sim, guildId, count + WARMUP);
  const bot = startBot(botEnv(sim, await freePort(), backend.url), 'commands');
  try {
    await bot.waitForLine((l) => String(l.message).startsWith('Internal API listening'), 30_000);
    await sim.waitForReady();
    await sim.waitForCommands();
    const run = async (ids: string[]): Promise<InteractionView[]> => {
      const start = Date.now();
      return Promise.all(
        ids.map(async (user, i) => {
          await sleep(start + (i * 1000) / perSecond - Date.now());
          const handle = await sim.slash({ user, name: 'subscription', guildId, channel: 'general' });
          return handle.waitForFinal(15_000).catch(() => handle.view());
        }),
      );
    };
    await run(users.slice(0, WARMUP));
    const views = await run(users.slice(WARMUP));
    const measured = views.map(timings).filter((t): t is { defer: number; final: number } => t !== undefined);
    return {
      interactions: count,
      perSecond,
      failed: count - measured.length,
      toDeferMs: summary(measured.map((t) => t.defer)),
      toFinalMs: summary(measured.map((t) => t.final)),
    };
  } finally {
    await bot.stop();
    await backend.process.stop();
    await sim.stop();
  }
}
