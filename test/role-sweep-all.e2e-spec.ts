import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BACKEND_PATHS, DemoBackend, FRANK } from '../tools/demo-backend/demo-backend';
import type { DiscordSim } from '../tools/discord-sim/sim-client';
import {
  BUILD_TIMEOUT_MS,
  compiledService,
  freePort,
  spawnBot,
  waitForStatus,
  type BotProcess,
} from './support/bot-process';
import { describeEachDatabase } from './support/databases';
import { TEST_SECRET } from './support/e2e-harness';
import { pgSchema, type PgSchema } from '../tools/pg-schema';
import { manyMembersSim } from './support/role-world';
import { eventually } from './support/wait';

const COUNT = 3000;
const names = Array.from({ length: COUNT }, (_, i) => `w${i}`);
const index = (name: string) => Number(name.slice(1));
/** 1 in 10 pays without the role; 1 in 20 holds it without paying; 1 in 20 pays and holds it. */
const paysWithoutRole = (name: string) => index(name) % 10 === 0;
const holdsWithoutPaying = (name: string) => index(name) % 20 === 5;
const paysAndHolds = (name: string) => index(name) % 20 === 15;
const pays = (name: string) => paysWithoutRole(name) || paysAndHolds(name);
const holds = (name: string) => holdsWithoutPaying(name) || paysAndHolds(name);
const INFO = BACKEND_PATHS.subscriptionInfo;

beforeAll(compiledService, BUILD_TIMEOUT_MS);

/**
 * The full sweep over a server of 3,000 members (issue 21): every paying member without the role and every
 * holder who does not pay is found and repaired within the brake; killed in the middle and restarted, the
 * sweep goes on from where it was; with the backend's list of entitled members, the backend is read only for
 * the role holders outside it. The service runs as its own process (kill -9), on SQLite and PostgreSQL.
 */
describeEachDatabase(`the sweep over ${COUNT} members on $name (issue 21)`, ({ name: store }) => {
  let sim: DiscordSim;
  let backend: DemoBackend;
  const bots: BotProcess[] = [];
  const stores: { dir: string; schema?: PgSchema }[] = [];

  /** The backend's fixtures plus every paying member of the world. */
  const seed = () => {
    backend.reset();
    for (const name of names.filter(pays)) {
      const customer = `cus_${name}`;
      backend.setUser({
        ...FRANK,
        name,
        discordId: sim.userId(name),
        customerId: customer,
        subscription: { ...FRANK.subscription!, customer_id: customer, subscription_id: `sub_${name}` },
        invoices: [],
      });
    }
  };
  /** A store of its own: a DATA_DIR (SQLite) or a fresh schema (PostgreSQL). */
  const newStore = async () => {
    const entry = {
      dir: mkdtempSync(join(tmpdir(), 'moddy-sweep-all-')),
      schema: store === 'postgres' ? await pgSchema() : undefined,
    };
    stores.push(entry);
    return entry;
  };
  const envFor = (port: number, where: { dir: string; schema?: PgSchema }) => ({
    DISCORD_TOKEN: sim.token,
    DISCORD_API_URL: sim.apiUrl,
    INTERNAL_API_SECRET: TEST_SECRET,
    BACKEND_INTERNAL_URL: backend.url,
    MODDY_GUILD_ID: sim.world.guildId,
    MODDY_PREMIUM_ROLE_ID: sim.world.roles.premium,
    DATA_DIR: where.dir,
    ...(where.schema ? { DATABASE_URL: where.schema.url } : {}),
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    // Reading 3,000 members takes about 10 s; the 150 removals are within the brake.
    ROLE_SYNC_BACKEND_RPS: '300',
    ROLE_SYNC_MAX_REMOVALS: '200',
    // The schedule stays on (24 h): the first start on a store sweeps at once.
  });
  const start = async (env: Record<string, string>) => {
    const bot = spawnBot(env);
    bots.push(bot);
    await waitForStatus(`http://127.0.0.1:${env.PORT}/health/ready`, 200, 30000);
    return bot;
  };
  /** Members whose premium role is not what their subscription says. */
  const wrong = async (): Promise<string[]> => {
    const out: string[] = [];
    for (let i = 0; i < names.length; i += 100) {
      const batch = names.slice(i, i + 100);
      const roles = await Promise.all(batch.map((n) => sim.memberRoleNames(n)));
      batch.forEach((n, j) => {
        if (roles[j].includes('premium') !== pays(n)) out.push(n);
      });
    }
    return out;
  };
  const sweepsDone = async (port: string) => {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    return Number(/^moddy_role_sweeps_total\{trigger="schedule",outcome="done"\} (\d+)$/m.exec(text)?.[1] ?? 0);
  };

  beforeAll(async () => {
    sim = await manyMembersSim(names, holds);
    // The default world's members are the demo backend's users (bob pays and holds the role, and so on).
    const ids = Object.fromEntries(
      ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'admin'].map((n) => [n, sim.userId(n)]),
    );
    backend = await DemoBackend.start({ secret: TEST_SECRET, ids });
  }, 60000);
  afterAll(async () => {
    for (const bot of bots) if (bot.child.exitCode === null) bot.child.kill('SIGKILL');
    await Promise.all(bots.map((b) => b.exited));
    await sim?.stop();
    await backend?.stop();
    for (const entry of stores) {
      rmSync(entry.dir, { recursive: true, force: true });
      await entry.schema?.drop();
    }
  });

  it('should repair every difference, and go on from where it was after kill -9 in the middle', async () => {
    await sim.reset();
    seed();
    expect((await wrong()).length).toBe(450);
    const where = await newStore();
    const port = await freePort();
    const env = envFor(port, where);
    const first = await start(env);
    // Half the members read: the process dies.
    await backend.waitForRequests(INFO, COUNT / 2, 60000);
    first.child.kill('SIGKILL');
    await first.exited;
    const readBefore = backend.requests(INFO).length;
    expect(readBefore).toBeLessThan(COUNT);

    const second = await start(env);
    await eventually(
      () => sweepsDone(env.PORT),
      (done) => done === 1,
      120000,
      500,
    );
    expect(second.output()).toMatch(/Role sweep \S+ goes on after member \d+/);
    await eventually(wrong, (list) => list.length === 0, 60000, 1000);
    // The second process went on after the last member stored as checked: a few reads again, not all of them.
    expect(backend.requests(INFO).length).toBeLessThanOrEqual(COUNT * 1.2);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 240000);

  it('should give a paying member who joined while the backend was down their role, after a restart in between', async () => {
    await sim.reset();
    seed();
    const where = await newStore();
    const env = { ...envFor(await freePort(), where), ROLE_SYNC_INTERVAL_HOURS: '0' };
    const first = await start(env);
    backend.failWith(INFO, 503, { times: 100_000 });
    const carolReads = () =>
      backend.requests(INFO).filter((r) => (r.body as { discord_id: string }).discord_id === sim.userId('carol'));
    // carol pays and was never in the server: her join's read is stored, then fails.
    await sim.memberJoin(sim.world.guildId, 'carol');
    await eventually(carolReads, (reads) => reads.length >= 1, 30000, 50);
    first.child.kill('SIGKILL');
    await first.exited;
    expect((await sim.memberRoleNames('carol')).includes('premium')).toBe(false);
    backend.clearFaults(INFO);
    const second = await start(env);
    await eventually(
      async () => (await sim.memberRoleNames('carol')).includes('premium'),
      (has) => has,
      60000,
      250,
    );
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 120000);

  it("should read the backend only for the role holders outside the backend's list when it offers one", async () => {
    await sim.reset();
    seed();
    backend.entitledList = true;
    try {
      const where = await newStore();
      const env = envFor(await freePort(), where);
      const bot = await start(env);
      await eventually(
        () => sweepsDone(env.PORT),
        (done) => done === 1,
        120000,
        500,
      );
      await eventually(wrong, (list) => list.length === 0, 60000, 1000);
      // The list names every payer; only the 150 holders who do not pay were read one by one.
      const read = new Set(backend.requests(INFO).map((r) => (r.body as { discord_id: string }).discord_id));
      expect(read).toEqual(new Set(names.filter(holdsWithoutPaying).map((n) => sim.userId(n))));
      expect(backend.requests(BACKEND_PATHS.entitled).length).toBeGreaterThanOrEqual(1);
      bot.child.kill('SIGTERM');
      expect(await bot.exited).toBe(0);
    } finally {
      backend.entitledList = false;
    }
  }, 240000);
});
