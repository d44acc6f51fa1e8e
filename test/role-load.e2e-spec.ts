import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DemoBackend } from '../tools/demo-backend/demo-backend';
import type { DiscordSim } from '../tools/discord-sim/sim-client';
import {
  BUILD_TIMEOUT_MS,
  compiledService,
  spawnBot,
  waitForStatus,
  type BotProcess,
  freePort,
} from './support/bot-process';
import { describeOnPostgres } from './support/databases';
import { TEST_SECRET } from './support/e2e-harness';
import { pgSchema, type PgSchema } from '../tools/pg-schema';
import { manyMembersSim } from './support/role-world';
import { eventually } from './support/wait';

const COUNT = 1000;
const names = Array.from({ length: COUNT }, (_, i) => `r${i}`);
/** Even members start with premium and get `free`; odd ones start without and get `moddy_max`. */
const startsPremium = (name: string) => Number(name.slice(1)) % 2 === 0;
const planFor = (name: string) => (startsPremium(name) ? 'free' : 'moddy_max');

async function loadSim(): Promise<DiscordSim> {
  const sim = await manyMembersSim(names, startsPremium);
  // Discord's global limit only: per-route buckets would measure the simulator's defaults.
  await sim.setRateLimits({ enabled: true, globalPerSecond: 50, perRoute: { limit: 100_000, windowMs: 1000 } });
  return sim;
}

async function post(
  url: string,
  body: unknown,
): Promise<{ status: number; ms: number; body: Record<string, unknown> }> {
  const started = Date.now();
  const res = await fetch(`${url}/internal/roles/update`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_SECRET}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, ms: Date.now() - started, body: (await res.json()) as Record<string, unknown> };
}

/** Members whose premium role is not what their last change asked for. */
async function wrong(sim: DiscordSim, subset = names): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < subset.length; i += 50) {
    const batch = subset.slice(i, i + 50);
    const roles = await Promise.all(batch.map((n) => sim.memberRoleNames(n)));
    batch.forEach((n, j) => {
      if (roles[j].includes('premium') !== (planFor(n) === 'moddy_max')) out.push(n);
    });
  }
  return out;
}

beforeAll(compiledService, BUILD_TIMEOUT_MS);

describe(`${COUNT} role changes for ${COUNT} members under Discord's global limit (issue 10)`, () => {
  let sim: DiscordSim;
  let backend: DemoBackend;
  const dataDirs: string[] = [];
  const bots: BotProcess[] = [];

  beforeAll(async () => {
    sim = await loadSim();
    backend = await DemoBackend.start({ secret: TEST_SECRET });
  });
  afterAll(async () => {
    for (const bot of bots) if (bot.child.exitCode === null) bot.child.kill('SIGKILL');
    await sim?.stop();
    await backend?.stop();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  /** A bot's environment, with a store of its own (kept across a restart with the same environment). */
  const envFor = (port: number) => ({
    DISCORD_TOKEN: sim.token,
    DISCORD_API_URL: sim.apiUrl,
    INTERNAL_API_SECRET: TEST_SECRET,
    BACKEND_INTERNAL_URL: backend.url,
    MODDY_GUILD_ID: sim.world.guildId,
    MODDY_PREMIUM_ROLE_ID: sim.world.roles.premium,
    DATA_DIR: dataDirs[dataDirs.push(mkdtempSync(join(tmpdir(), 'moddy-roles-burst-'))) - 1],
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  });
  /**
   * The role writes Discord accepted, each (method, member, role) once: a request discord.js sent again (after a
   * 429 or a timeout) is the same write, not a second one.
   */
  const roleWrites = async () => {
    const writes = [
      ...(await sim.requests({ route: 'PUT /guilds/*/members/*/roles/*' })),
      ...(await sim.requests({ route: 'DELETE /guilds/*/members/*/roles/*' })),
    ];
    return new Set(writes.filter((w) => w.status < 300).map((w) => `${w.method} ${w.path}`)).size;
  };

  // Every answer within 5 s is a wall-clock bound: on 2 shared cores it depends on what else runs. The
  // benchmark (row 6) measures it; `npm run stress` asserts it here; `npm test` checks everything else.
  const timed = Boolean(process.env.MODDY_STRESS);

  it(`should answer every call${timed ? ' within 5 s' : ''} and leave every member with the roles asked for`, async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const bot = spawnBot(envFor(port));
    bots.push(bot);
    await waitForStatus(`${url}/health/ready`, 200);
    // The burst arrives within one second (a thousand webhooks a second), as the backend would send it.
    const answers = await Promise.all(
      names.map((name, i) =>
        new Promise<void>((resolve) => setTimeout(resolve, i)).then(() =>
          post(url, { discord_id: sim.userId(name), plan: planFor(name) }),
        ),
      ),
    );
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    if (timed) expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(5000);
    expect(answers.every((a) => a.body.success === true)).toBe(true);
    await eventually(
      () => wrong(sim),
      (list) => list.length === 0,
      120000,
      1000,
    );
    // Only the roles that differ were sent: one change per member, and nothing else.
    expect(await roleWrites()).toBe(COUNT);
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
  }, 180000);

  it('should still leave every member right after kill -9 and a restart', async () => {
    await sim.reset();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = envFor(port);
    const first = spawnBot(env);
    bots.push(first);
    await waitForStatus(`${url}/health/ready`, 200);

    const answered = new Set<string>();
    const calls = names.map((name) =>
      post(url, { discord_id: sim.userId(name), plan: planFor(name) }).then(
        (a) => {
          if (a.status === 200) answered.add(name);
        },
        () => undefined, // the process died under this call: the backend sends it again
      ),
    );
    await eventually(
      () => answered.size,
      (n) => n >= COUNT / 4,
      60000,
      20,
    );
    first.child.kill('SIGKILL');
    await Promise.all(calls);
    expect(answered.size).toBeLessThan(COUNT);

    const second = spawnBot(env);
    bots.push(second);
    await waitForStatus(`${url}/health/ready`, 200);
    // As the backend would: what got no answer is sent again. What was answered is stored and not resent.
    const again = await Promise.all(
      names
        .filter((n) => !answered.has(n))
        .map((name) => post(url, { discord_id: sim.userId(name), plan: planFor(name) })),
    );
    // (Their answer times are the first test's business: this one is about what survives the crash.)
    expect(again.every((a) => a.status === 200)).toBe(true);
    await eventually(
      () => wrong(sim),
      (list) => list.length === 0,
      120000,
      1000,
    );
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 240000);
});

describeOnPostgres('two service processes on one PostgreSQL (issue 10)', () => {
  let sim: DiscordSim;
  let backend: DemoBackend;
  let schema: PgSchema | undefined;
  const bots: BotProcess[] = [];
  const members = names.slice(0, 20);

  beforeAll(async () => {
    sim = await loadSim();
    backend = await DemoBackend.start({ secret: TEST_SECRET });
    schema = await pgSchema();
  });
  afterAll(async () => {
    for (const bot of bots) if (bot.child.exitCode === null) bot.child.kill('SIGKILL');
    await Promise.all(bots.map((b) => b.exited));
    await sim?.stop();
    await backend?.stop();
    await schema?.drop();
  });

  it('should end every member at their last change when the changes are spread across both', async () => {
    const urls: string[] = [];
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const bot = spawnBot({
        DISCORD_TOKEN: sim.token,
        DISCORD_API_URL: sim.apiUrl,
        INTERNAL_API_SECRET: TEST_SECRET,
        BACKEND_INTERNAL_URL: backend.url,
        MODDY_GUILD_ID: sim.world.guildId,
        MODDY_PREMIUM_ROLE_ID: sim.world.roles.premium,
        DATABASE_URL: schema?.url ?? '',
        DATA_DIR: mkdtempSync(join(tmpdir(), 'moddy-replica-')),
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
      });
      bots.push(bot);
      urls.push(`http://127.0.0.1:${port}`);
      await waitForStatus(`${urls[i]}/health/ready`, 200, 30000);
    }
    await sim.setFaults({ routeLatency: [{ route: 'GET /guilds/*/members/*', ms: 200 }] });
    // 5 changes per member, alternating plans, 100 ms apart, each sent to a replica in turn.
    const last = new Map<string, string>();
    const calls: Promise<{ status: number; ms: number }>[] = [];
    for (let round = 0; round < 5; round++) {
      for (const [i, name] of members.entries()) {
        const plan = (round + i) % 2 === 0 ? 'moddy_max' : 'free';
        last.set(name, plan);
        calls.push(post(urls[(round + i) % 2], { discord_id: sim.userId(name), plan }));
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const answers = await Promise.all(calls);
    expect(answers.every((a) => a.status === 200 && a.ms < 5000)).toBe(true);
    await eventually(
      async () => {
        const bad: string[] = [];
        for (const name of members) {
          const has = (await sim.memberRoleNames(name)).includes('premium');
          if (has !== (last.get(name) === 'moddy_max')) bad.push(name);
        }
        return bad;
      },
      (bad) => bad.length === 0,
      30000,
      200,
    );
  }, 120000);
});
