// Two service processes on one PostgreSQL and one simulator, splitting the bot's two gateway shards between
// them (DISCORD_SHARD_COUNT=2, DISCORD_SHARD_IDS=0 and 1) as replicas on Railway would (issue 14):
// a burst spread across both with half of it sent again to the other replica gives one DM each; a sweep runs
// on one replica only; after kill -9 of one replica mid-burst, the other delivers what the dead one had
// accepted once its leases run out.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DemoBackend } from '../tools/demo-backend/demo-backend';
import { DiscordSim } from '../tools/discord-sim/sim-client';
import { compiledService, spawnBot, waitForStatus, type BotProcess, freePort } from './support/bot-process';
import { TEST_SECRET } from './support/e2e-harness';
import { pgSchema, type PgSchema } from '../tools/pg-schema';
import { eventually } from './support/wait';

const BURST = 300;
const CRASH_BURST = 150;
const burstNames = Array.from({ length: BURST }, (_, i) => `burst${i}`);
const crashNames = Array.from({ length: CRASH_BURST }, (_, i) => `crash${i}`);

interface Answer {
  status: number;
  body: unknown;
}

function notify(sim: DiscordSim, url: string, name: string): Promise<Answer> {
  return fetch(`${url}/internal/notify`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${TEST_SECRET}`,
      'content-type': 'application/json',
      // the backend's retry of one notification carries the same key, whichever replica it reaches
      'idempotency-key': `notify-${name}`,
    },
    body: JSON.stringify({
      discord_id: sim.userId(name),
      action: 'subscription_created',
      plan: 'moddy_max',
      metadata: { subscription_id: `sub_${name}` },
    }),
  }).then(async (res) => ({ status: res.status, body: await res.json() }));
}

async function dmCounts(sim: DiscordSim, names: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let i = 0; i < names.length; i += 50) {
    await Promise.all(names.slice(i, i + 50).map(async (n) => counts.set(n, (await sim.dmsTo(n)).length)));
  }
  return counts;
}

const pg = process.env.TEST_DATABASE_URL ? describe : describe.skip;
if (!process.env.TEST_DATABASE_URL)
  console.warn('SKIPPED: two replicas splitting the shards on one PostgreSQL (TEST_DATABASE_URL is not set)');

pg('two replicas, one PostgreSQL, the shards split between them (issue 14)', () => {
  let sim: DiscordSim;
  let backend: DemoBackend;
  let schema: PgSchema | undefined;
  const bots: BotProcess[] = [];
  const urls: string[] = [];
  let sweepRequestedAt = 0;

  const sql = async <T>(statement: string, params: unknown[] = []): Promise<T[]> => {
    const client = new Client({ connectionString: schema?.url });
    await client.connect();
    try {
      return (await client.query(statement, params)).rows as T[];
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    // 1,001 guilds besides Moddy's: Discord recommends two shards
    sim = await DiscordSim.start({
      heartbeatIntervalMs: 1000,
      world: {
        users: [...burstNames, ...crashNames].map((name) => ({ name })),
        synthetic: { guilds: 1001, membersPerGuild: 1, distinctUsers: false },
      },
    });
    backend = await DemoBackend.start({ secret: TEST_SECRET });
    schema = await pgSchema();
    compiledService(); // once, before the clock of the readiness wait starts
    for (const shard of [0, 1]) {
      const port = await freePort();
      bots.push(
        spawnBot({
          DISCORD_TOKEN: sim.token,
          DISCORD_API_URL: sim.apiUrl,
          DISCORD_SHARD_COUNT: '2',
          DISCORD_SHARD_IDS: String(shard),
          INTERNAL_API_SECRET: TEST_SECRET,
          BACKEND_INTERNAL_URL: backend.url,
          MODDY_GUILD_ID: sim.world.guildId,
          MODDY_PREMIUM_ROLE_ID: sim.world.roles.premium,
          DATABASE_URL: schema?.url ?? '',
          DATA_DIR: mkdtempSync(join(tmpdir(), 'moddy-replica-')),
          PORT: String(port),
          HOST: '127.0.0.1',
          LOG_LEVEL: process.env.REPLICA_LOG_LEVEL ?? 'warn',
        }),
      );
      urls.push(`http://127.0.0.1:${port}`);
    }
    try {
      await Promise.all(urls.map((url) => waitForStatus(`${url}/health/ready`, 200, 60000)));
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${bots.map((b) => b.output().slice(-3000)).join('\n---\n')}`);
    }
  }, 180000);

  afterAll(async () => {
    for (const bot of bots) if (bot.child.exitCode === null) bot.child.kill('SIGKILL');
    await Promise.all(bots.map((b) => b.exited));
    await sim?.stop();
    await backend?.stop();
    await schema?.drop();
  });

  it('should run one shard each, as /health/ready says, with every guild on exactly one of them', async () => {
    const shardsOf = async (url: string) => {
      const body = (await (await fetch(`${url}/health/ready`)).json()) as {
        info: { discord: { shards: Array<{ id: number; status: string; healthy: boolean }> } };
      };
      return body.info.discord.shards;
    };
    expect(await shardsOf(urls[0])).toEqual([expect.objectContaining({ id: 0, status: 'Ready', healthy: true })]);
    expect(await shardsOf(urls[1])).toEqual([expect.objectContaining({ id: 1, status: 'Ready', healthy: true })]);
    const sessions = (await sim.sessions()).filter((s) => s.open && s.ready);
    expect(sessions.map((s) => s.shard).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(sessions.reduce((sum, s) => sum + s.guildsSent, 0)).toBe(1002);

    // a sweep asked for now: whichever replica ticks first takes the lease (checked below, after the burst)
    sweepRequestedAt = Date.now();
    await sql(
      `insert into role_sweeps (id, trigger, requested_by, state, created_at) values ($1, 'staff', $2, 'requested', $3)`,
      ['s_replicas', sim.world.users.admin ?? null, sweepRequestedAt],
    );
  });

  it(`should DM each of ${BURST} members once when half of the notifications are retried on the other replica`, async () => {
    const answers = await Promise.all(
      burstNames.flatMap((name, i) => {
        const first = notify(sim, urls[i % 2], name);
        // every other pair: the backend timed out on one replica and sends the same notification to the other
        return i % 4 < 2 ? [first, notify(sim, urls[(i + 1) % 2], name)] : [first];
      }),
    );
    expect(answers.length).toBe(BURST * 1.5);
    // a retry meets the first attempt's answer, or hears that the first is being delivered right now
    expect(answers.filter((a) => a.status !== 200 && a.status !== 409)).toEqual([]);
    const counts = await eventually(
      () => dmCounts(sim, burstNames),
      (c) => [...c.values()].every((n) => n >= 1),
      60000,
      500,
    );
    expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
  }, 90000);

  it('should run the sweep on one replica only', async () => {
    const [sweep] = await eventually(
      () => sql<{ state: string }>(`select state from role_sweeps where id = 's_replicas'`),
      (rows) => rows[0]?.state === 'done' || rows[0]?.state === 'held',
      45000,
      250,
    );
    expect(['done', 'held']).toContain(sweep.state);
    // a sweep lists the guild's members from the start (after=0) once: one replica listed them, one time
    const listings = (await sim.requests({ method: 'GET', route: '/guilds/:guild_id/members' })).filter(
      (r) => r.at >= sweepRequestedAt && (r.query.after ?? '0') === '0',
    );
    expect(listings).toHaveLength(1);
  }, 60000);

  it('should deliver, after kill -9 of one replica mid-burst, every notification once from the other', async () => {
    const [victim, survivor] = [bots[0], urls[1]];
    const accepted = new Set<string>();
    const failed: string[] = [];
    const calls = crashNames.map((name, i) => {
      const url = urls[i % 2];
      return notify(sim, url, name).then(
        (a) => {
          if (a.status === 200) accepted.add(name);
          else failed.push(name);
        },
        () => failed.push(name), // the replica died under this request
      );
    });
    await eventually(
      () => accepted.size,
      (n) => n >= CRASH_BURST / 4,
      30000,
      10,
    );
    victim.child.kill('SIGKILL');
    await Promise.all(calls);
    await victim.exited;
    // the backend sends what failed again, to the replica that is left
    const retried = await Promise.all(failed.map((name) => notify(sim, survivor, name)));
    expect(retried.filter((a) => a.status !== 200 && a.status !== 409)).toEqual([]);
    const counts = await eventually(
      () => dmCounts(sim, crashNames),
      (c) => [...c.values()].every((n) => n >= 1),
      60000,
      500,
    );
    expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
  }, 120000);
});
