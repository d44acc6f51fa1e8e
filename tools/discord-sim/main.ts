// Entry point of the simulator process: `node_modules/.bin/tsx tools/discord-sim/main.ts`.
// Configuration (environment, or --flag value on the command line):
//   DISCORD_SIM_PORT / --port            port on 127.0.0.1 (0 = pick a free one; default 0)
//   DISCORD_SIM_TOKEN / --token          bot token to accept (default: a fixed fake token)
//   DISCORD_SIM_WORLD / --world          WorldSpec as JSON
//   DISCORD_SIM_WORLD_FILE / --world-file WorldSpec from a JSON file
//   DISCORD_SIM_HEARTBEAT_MS / --heartbeat  gateway heartbeat_interval (default 41250)
//   DISCORD_SIM_IDENTIFY_WINDOW_MS / --identify-window  one IDENTIFY per bucket per this window (default 5000,
//                                        as Discord; 0: no limit); a faster one gets op 9 Invalid Session
//   DISCORD_SIM_MAX_CONCURRENCY / --max-concurrency  session_start_limit.max_concurrency (default 1)
//   DISCORD_SIM_VERBOSE=1 / --verbose    log to stderr
//   DISCORD_SIM_EXIT_WITH_STDIN=1        exit when stdin closes (set by sim-client.ts so no orphan survives a test run)
// When listening it prints one line to stdout: `DISCORD_SIM_LISTENING {"port":...,"url":...,"apiUrl":...,"token":...}`.
import { readFileSync } from 'node:fs';
import { createServer, listen } from './server';
import { Simulator } from './sim';
import { DEFAULT_TOKEN, type WorldSpec } from './types';
import { Validator } from './validation';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1) return undefined;
  const v = process.argv[i + 1];
  return v === undefined || v.startsWith('--') ? 'true' : v;
}

async function main(): Promise<void> {
  const port = Number(arg('port') ?? process.env.DISCORD_SIM_PORT ?? 0);
  const token = arg('token') ?? process.env.DISCORD_SIM_TOKEN ?? DEFAULT_TOKEN;
  const worldFile = arg('world-file') ?? process.env.DISCORD_SIM_WORLD_FILE;
  const worldJson = arg('world') ?? process.env.DISCORD_SIM_WORLD;
  const world = (
    worldFile ? JSON.parse(readFileSync(worldFile, 'utf8')) : worldJson ? JSON.parse(worldJson) : {}
  ) as WorldSpec;
  const heartbeat = Number(arg('heartbeat') ?? process.env.DISCORD_SIM_HEARTBEAT_MS ?? 41250);
  const identifyWindowMs = Number(arg('identify-window') ?? process.env.DISCORD_SIM_IDENTIFY_WINDOW_MS ?? 5000);
  const maxConcurrency = Number(arg('max-concurrency') ?? process.env.DISCORD_SIM_MAX_CONCURRENCY ?? 1);
  const verbose = arg('verbose') === 'true' || process.env.DISCORD_SIM_VERBOSE === '1';

  const validator = await Validator.load();
  const sim = new Simulator({
    token,
    world,
    validator,
    verbose,
    config: {
      heartbeatIntervalMs: heartbeat,
      interactionTimeoutMs: 3000,
      interactionTokenLifetimeMs: 15 * 60 * 1000,
      identifyWindowMs,
      maxConcurrency,
    },
  });
  const server = createServer(sim);
  sim.port = await listen(server, port);
  const url = `http://127.0.0.1:${sim.port}`;
  process.stdout.write(
    `DISCORD_SIM_LISTENING ${JSON.stringify({ port: sim.port, url, apiUrl: `${url}/api`, token, pid: process.pid })}\n`,
  );

  let closing = false;
  const shutdown = (): void => {
    if (closing) return;
    closing = true;
    sim.interactions.clear();
    sim.gateway.closeAll(1001, 'simulator shutting down');
    server.closeAllConnections();
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 1000).unref();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  if (process.env.DISCORD_SIM_EXIT_WITH_STDIN === '1') {
    process.stdin.on('end', shutdown);
    process.stdin.on('close', shutdown);
    process.stdin.resume();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`[discord-sim] failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
