import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DemoBackend } from '../tools/demo-backend/demo-backend';
import { DiscordSim } from '../tools/discord-sim/sim-client';
import {
  BUILD_TIMEOUT_MS,
  compiledService,
  spawnBot,
  waitForStatus,
  type BotProcess,
  freePort,
} from './support/bot-process';
import { startHarness, TEST_SECRET } from './support/e2e-harness';
import { eventually } from './support/wait';

/** The test-suite size of the burst; the benchmark runs 1,000. */
const USERS = 200;
const names = Array.from({ length: USERS }, (_, i) => `member${i}`);

async function burstSim(): Promise<DiscordSim> {
  const sim = await DiscordSim.start({ heartbeatIntervalMs: 1000, world: { users: names.map((name) => ({ name })) } });
  // Only Discord's global limit (50 requests/s) is enforced: per-route buckets would measure the simulator's defaults.
  await sim.setRateLimits({ enabled: true, globalPerSecond: 50, perRoute: { limit: 10_000, windowMs: 1000 } });
  return sim;
}

/** DMs each member received, by name. */
async function dmCounts(sim: DiscordSim): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  await Promise.all(names.map(async (name) => counts.set(name, (await sim.dmsTo(name)).length)));
  return counts;
}

const notifyBody = (sim: DiscordSim, name: string) =>
  JSON.stringify({
    discord_id: sim.userId(name),
    action: 'subscription_created',
    plan: 'moddy_max',
    metadata: { subscription_id: `sub_${name}` },
  });

async function post(url: string, body: string): Promise<{ status: number; ms: number; body: unknown }> {
  const started = Date.now();
  const res = await fetch(`${url}/internal/notify`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_SECRET}`, 'content-type': 'application/json' },
    body,
  });
  return { status: res.status, ms: Date.now() - started, body: await res.json() };
}

beforeAll(compiledService, BUILD_TIMEOUT_MS);

describe('notify under load (issue 6)', () => {
  it(`should answer ${USERS} simultaneous notifications within 5 s each and DM every member exactly once`, async () => {
    const sim = await burstSim();
    const h = await startHarness({ sim });
    try {
      const started = Date.now();
      const answers = await Promise.all(names.map((name) => post(h.url, notifyBody(sim, name))));
      expect(answers.every((a) => a.status === 200)).toBe(true);
      expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(5000);
      const queued = answers.filter((a) => (a.body as { queued?: boolean }).queued).length;
      const counts = await eventually(
        () => dmCounts(sim),
        (c) => [...c.values()].every((n) => n >= 1),
        60000,
        500,
      );
      const elapsed = Date.now() - started;
      expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
      // Informational: the ratio to the rate-limit floor is a benchmark figure, not asserted here.
      const requests =
        (await sim.requests({ pathPrefix: '/channels' })).length +
        (await sim.requests({ pathPrefix: '/users/@me/channels' })).length;
      console.log(
        `burst of ${USERS}: ${elapsed} ms, ${queued} queued, ${requests} Discord requests, ${await sim.rateLimitHits()} 429s`,
      );
    } finally {
      await h.close();
      await sim.stop();
    }
  }, 120000);
});

describe('a crash in the middle of a burst (issue 6)', () => {
  let sim: DiscordSim;
  let backend: DemoBackend;
  let dataDir: string;
  const bots: BotProcess[] = [];

  beforeAll(async () => {
    sim = await burstSim();
    backend = await DemoBackend.start({ secret: TEST_SECRET });
    dataDir = mkdtempSync(join(tmpdir(), 'moddy-crash-'));
  });
  afterAll(async () => {
    for (const bot of bots) if (bot.child.exitCode === null) bot.child.kill('SIGKILL');
    await sim?.stop();
    await backend?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('should deliver every accepted notification exactly once after kill -9 and a restart', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = {
      DISCORD_TOKEN: sim.token,
      DISCORD_API_URL: sim.apiUrl,
      INTERNAL_API_SECRET: TEST_SECRET,
      BACKEND_INTERNAL_URL: backend.url,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
    };
    const first = spawnBot(env);
    bots.push(first);
    await waitForStatus(`${url}/health/ready`, 200);

    const accepted = new Set<string>();
    const calls = names.map((name) =>
      post(url, notifyBody(sim, name)).then(
        (answer) => {
          if (answer.status === 200) accepted.add(name);
        },
        () => undefined, // the process died under this request: the backend would send it again
      ),
    );
    await eventually(
      () => accepted.size,
      (n) => n >= USERS / 4,
      30000,
      20,
    );
    first.child.kill('SIGKILL');
    await Promise.all(calls);
    expect(accepted.size).toBeGreaterThan(0);
    expect(accepted.size).toBeLessThan(USERS);

    const second = spawnBot(env);
    bots.push(second);
    await waitForStatus(`${url}/health/ready`, 200);
    // As the backend would: everything that got no answer is sent again.
    for (const name of names.filter((n) => !accepted.has(n))) {
      expect((await post(url, notifyBody(sim, name))).status).toBe(200);
    }
    const counts = await eventually(
      () => dmCounts(sim),
      (c) => [...c.values()].every((n) => n >= 1),
      60000,
      500,
    );
    expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 150000);
});
