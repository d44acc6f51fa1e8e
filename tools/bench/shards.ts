import { DiscordSim } from '../discord-sim/sim-client';
import { BENCH_SECRET, botEnv } from './fixture';
import { freePort, rssMb, startBot, startDemoBackend } from './processes';
import { sleep } from './stats';

/** Discord accepts one IDENTIFY per 5 s per max_concurrency bucket. */
const IDENTIFY_WINDOW_MS = 5000;
const SETTLE_MS = 5000;

export interface ShardedStartResult {
  guilds: number;
  shards: number;
  maxConcurrency: number;
  /** Discord's floor: (buckets' turns - 1) × 5 s between the first and the last IDENTIFY. */
  pacingFloorMs: number;
  /** First IDENTIFY to the last one, as the simulator saw them (discord.js adds up to 1.5 s of jitter per turn). */
  identifySpanMs: number;
  /** First IDENTIFY to discord.js ready (every shard and every guild received). */
  readyAfterFirstIdentifyMs: number;
  /** readyAfterFirstIdentifyMs / pacingFloorMs. */
  ratio: number;
  /** IDENTIFYs the simulator refused for coming too fast (discord.js paces itself: 0 expected). */
  identifyRateLimited: number;
  rssMb: number;
}

/**
 * `guilds` guilds of 200 members (the Moddy guild among them) and DISCORD_SHARDS left at auto: discord.js
 * takes the shard count from GET /gateway/bot (one per 1,000 guilds) and identifies at Discord's pace,
 * which the simulator enforces (5 s per bucket). Measured within the run: ready against that pacing, RSS.
 */
export async function shardedStart(guilds: number): Promise<ShardedStartResult> {
  const maxConcurrency = 1;
  const sim = await DiscordSim.start({
    world: { synthetic: { guilds: guilds - 1, membersPerGuild: 200, distinctUsers: false } },
    identifyWindowMs: IDENTIFY_WINDOW_MS,
    maxConcurrency,
    startTimeoutMs: 120_000,
  });
  const backend = await startDemoBackend(BENCH_SECRET);
  const bot = startBot({ ...botEnv(sim, await freePort(), backend.url), DISCORD_SHARDS: 'auto' }, 'shards');
  try {
    const ready = await bot.waitForLine((l) => l.message === 'Discord gateway ready', 300_000);
    const readyAt = Number(ready.time);
    const stats = await sim.stats();
    const identified = stats.sessions
      .filter((s) => s.identified)
      .map((s) => s.identifiedAt)
      .sort((a, b) => a - b);
    const shards = (ready.shards as number[]).length;
    const pacingFloorMs = (Math.ceil(shards / maxConcurrency) - 1) * IDENTIFY_WINDOW_MS;
    const readyAfterFirstIdentifyMs = readyAt - identified[0];
    await sleep(SETTLE_MS);
    return {
      guilds: Number(ready.guilds),
      shards,
      maxConcurrency,
      pacingFloorMs,
      identifySpanMs: identified[identified.length - 1] - identified[0],
      readyAfterFirstIdentifyMs,
      ratio: pacingFloorMs > 0 ? readyAfterFirstIdentifyMs / pacingFloorMs : Number.NaN,
      identifyRateLimited: stats.identifyRateLimited,
      rssMb: rssMb(bot.pid),
    };
  } finally {
    await bot.stop();
    await backend.process.stop();
    await sim.stop();
  }
}
