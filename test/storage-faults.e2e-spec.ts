import { Client } from 'pg';
import { describeOnPostgres } from './support/databases';
import { useHarness, type Harness, type HarnessOptions } from './support/e2e-harness';
import { pgSchema, type PgSchema } from '../tools/pg-schema';
import { manyMembersSim } from './support/role-world';
import { TcpProxy } from './support/tcp-proxy';
import { eventually } from './support/wait';

const COUNT = 100;
const names = Array.from({ length: COUNT }, (_, i) => `n${i}`);
/**
 * The contract's 5 s is wall-clock time on CPUs shared with the simulator and the load: `npm run stress`
 * asserts it; `npm test` asserts the answer comes well before the 10 s the backend waits (it came after 10 s).
 */
const ANSWER_BOUND_MS = process.env.MODDY_STRESS ? 5000 : 9000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Answer {
  name: string;
  kind: 'notify' | 'roles';
  status: number;
  ms: number;
  body: unknown;
}

/**
 * PostgreSQL that restarts, drops connections, refuses them or freezes (issue 22), through a TCP proxy between
 * the service and the database: the process stays up, every call is answered 200 or 503 in time, readiness goes
 * down and comes back by itself, and what was answered 200 is delivered or applied exactly once.
 */
describeOnPostgres('a failing PostgreSQL (issue 22)', () => {
  let h: Harness;
  let proxy: TcpProxy;
  let schema: PgSchema | undefined;
  const options: HarnessOptions = {};
  const id = (name: string) => h.sim.userId(name);
  const ready = async () => (await fetch(`${h.url}/health/ready`)).status;
  const call = async (name: string, kind: Answer['kind'], i: number): Promise<Answer> => {
    const started = Date.now();
    const res =
      kind === 'notify'
        ? await h.call('/internal/notify', {
            discord_id: id(name),
            action: 'subscription_updated',
            plan: 'moddy_max',
            metadata: { event_id: `evt_fault_${i}` },
          })
        : await h.call('/internal/roles/update', { discord_id: id(name), plan: 'moddy_max' });
    return { name, kind, status: res.status, ms: Date.now() - started, body: res.body };
  };

  beforeAll(async () => {
    schema = await pgSchema();
    const url = new URL(schema?.url ?? '');
    proxy = await TcpProxy.start(url.hostname, Number(url.port || 5432));
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    options.sim = await manyMembersSim(names);
    options.env = { DATABASE_URL: url.toString() };
  });
  useHarness((harness) => (h = harness), options);
  afterEach(() => proxy.set('pass'));
  afterAll(async () => {
    await proxy?.stop();
    await options.sim?.stop();
    await schema?.drop();
  });

  it('should answer 200 or 503 through cuts, refusals and stalls, recover by itself, and lose nothing answered 200', async () => {
    const readiness: number[] = [];
    let watching = true;
    const watch = (async () => {
      while (watching) {
        readiness.push(await ready());
        await sleep(200);
      }
    })();
    const calls: Promise<Answer>[] = [];
    const burst = (async () => {
      for (const [i, name] of names.entries()) {
        calls.push(call(name, i % 2 === 0 ? 'notify' : 'roles', i));
        await sleep(80);
      }
    })();
    // The database restarts (every connection cut), stays down a moment, comes back, then freezes.
    await sleep(500);
    proxy.cut();
    proxy.set('refuse');
    await sleep(1500);
    proxy.set('pass');
    await sleep(1000);
    proxy.set('stall');
    await eventually(
      () => Promise.resolve(readiness.at(-1)),
      (status) => status === 503,
      15000,
      100,
    );
    await sleep(1000);
    proxy.set('pass');
    await burst;
    const answers = await Promise.all(calls);
    await eventually(ready, (status) => status === 200, 20000, 200);
    watching = false;
    await watch;

    expect(answers.filter((a) => a.status !== 200 && a.status !== 503)).toEqual([]);
    for (const a of answers.filter((x) => x.status === 503)) {
      expect(a.body).toEqual({ error: 'storage unavailable' });
    }
    expect(answers.filter((a) => a.ms >= ANSWER_BOUND_MS).map((a) => [a.name, a.ms])).toEqual([]);
    expect(answers.some((a) => a.status === 503)).toBe(true);
    expect(answers.some((a) => a.status === 200)).toBe(true);
    expect(readiness).toContain(503);

    // What was answered 200 happens exactly once; what was answered 503 at most once (the backend sends it again).
    const ok = answers.filter((a) => a.status === 200);
    await eventually(
      async () => {
        const missing: string[] = [];
        for (const a of ok) {
          if (a.kind === 'notify' && (await h.sim.dmsTo(a.name)).length !== 1) missing.push(a.name);
          if (a.kind === 'roles' && !(await h.sim.memberRoleNames(a.name)).includes('premium')) missing.push(a.name);
        }
        return missing;
      },
      (missing) => missing.length === 0,
      60000,
      500,
    );
    for (const a of answers.filter((x) => x.kind === 'notify')) {
      expect([a.name, (await h.sim.dmsTo(a.name)).length <= 1]).toEqual([a.name, true]);
    }
    const writes = await h.sim.requests({ route: 'PUT /guilds/*/members/*/roles/*' });
    const accepted = writes.filter((w) => w.status < 300).map((w) => w.path);
    expect(accepted.length).toBe(new Set(accepted).size);
  }, 120000);

  it("should stay up when PostgreSQL ends the service's connections (pg_terminate_backend)", async () => {
    expect((await call('n0', 'roles', 0)).status).toBe(200);
    const admin = new Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ ended: boolean }>(
        'select pg_terminate_backend(pid) as ended from pg_stat_activity where client_port = any($1::int[])',
        [proxy.ports()],
      );
      expect(rows.length).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
    // The pool saw its idle connections go: the next calls get new ones.
    await eventually(
      async () => (await call('n1', 'roles', 1)).status,
      (status) => status === 200,
      10000,
      100,
    );
    expect(await ready()).toBe(200);
  }, 60000);
});
