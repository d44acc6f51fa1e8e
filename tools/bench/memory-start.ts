import { DiscordSim, type WorldSpec } from '../discord-sim/sim-client';
import { BENCH_SECRET, botEnv } from './fixture';
import { freePort, rssMb, startBot, type LogLine, startDemoBackend } from './processes';
import { percentile, sleep } from './stats';

export interface BootFigures {
  guilds: number;
  /** Process start (performance.timeOrigin) to the internal API listening, in ms, from the service's log. */
  toListeningMs: number;
  /** Process start to discord.js ready (every guild received), in ms. */
  toReadyMs: number;
  /** Resident set size once ready and settled, MB. */
  rssMb: number;
}

export interface StartResult {
  runs: number;
  toListeningMs: { median: number; max: number };
  toReadyMs: { median: number; max: number };
  /** Median RSS once ready, one guild. */
  rssMb: number;
}

const SETTLE_MS = 5000;
const uptime = (line: LogLine): number => Number(line.uptimeMs);

/** Boots the built service against a simulated world and reads its startup times and its RSS once ready. */
async function boot(world: WorldSpec, name: string, readyTimeoutMs: number): Promise<BootFigures> {
  const sim = await DiscordSim.start({ world, startTimeoutMs: 120_000 });
  const backend = await startDemoBackend(BENCH_SECRET);
  const bot = startBot(botEnv(sim, await freePort(), backend.url), name);
  try {
    const ready = await bot.waitForLine((l) => l.message === 'Discord gateway ready', readyTimeoutMs);
    const listening = await bot.waitForLine((l) => String(l.message).startsWith('Internal API listening'), 60_000);
    await sleep(SETTLE_MS);
    return {
      guilds: Number(ready.guilds),
      toListeningMs: uptime(listening),
      toReadyMs: uptime(ready),
      rssMb: rssMb(bot.pid),
    };
  } finally {
    await bot.stop();
    await backend.process.stop();
    await sim.stop();
  }
}

/** 1,000 guilds of 200 members, every member sent in GUILD_CREATE (what a cache would fill from). */
export function memoryLarge(): Promise<BootFigures> {
  return boot({ synthetic: { guilds: 1000, membersPerGuild: 200 }, guildCreateMembers: 'all' }, 'mem-1000', 180_000);
}

/** `runs` cold starts on the default world (one guild): startup times and RSS once ready. */
export async function startTimes(runs: number): Promise<StartResult> {
  const boots: BootFigures[] = [];
  for (let i = 0; i < runs; i++) boots.push(await boot({}, `start-${i}`, 60_000));
  const stat = (values: number[]) => ({ median: percentile(values, 50), max: Math.max(...values) });
  return {
    runs,
    toListeningMs: stat(boots.map((b) => b.toListeningMs)),
    toReadyMs: stat(boots.map((b) => b.toReadyMs)),
    rssMb: percentile(
      boots.map((b) => b.rssMb),
      50,
    ),
  };
}
