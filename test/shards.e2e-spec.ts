// The service sharded as processes (issue 14), on SQLite: DISCORD_SHARDS=auto runs the count Discord
// recommends in one process; two processes splitting the shards each hold their guilds, and the member events of
// the Moddy guild reach the backend from the one whose shard holds it, while the other carries on.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DemoBackend } from '../tools/demo-backend/demo-backend';
import { DiscordSim } from '../tools/discord-sim/sim-client';
import { compiledService, spawnBot, waitForStatus, type BotProcess, freePort } from './support/bot-process';
import { TEST_SECRET } from './support/e2e-harness';
import { eventually } from './support/wait';

interface ShardReport {
  id: number;
  status: string;
  healthy: boolean;
}

/** Error and fatal log lines, except the request log of the readiness polls answered 503 before ready. */
function problems(bot: BotProcess): string[] {
  return bot
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: string; message: string })
    .filter((l) => (l.level === 'error' || l.level === 'fatal') && l.message !== 'request completed')
    .map((l) => l.message);
}

async function readyShards(url: string): Promise<ShardReport[]> {
  const res = await fetch(`${url}/health/ready`);
  const body = (await res.json()) as { info?: { discord?: { shards?: ShardReport[] } } };
  return body.info?.discord?.shards ?? [];
}

describe('the service on several shards (issue 14)', () => {
  let sim: DiscordSim;
  let backend: DemoBackend;
  const bots: BotProcess[] = [];

  const start = async (extra: Record<string, string>): Promise<string> => {
    const port = await freePort();
    bots.push(
      spawnBot({
        DISCORD_TOKEN: sim.token,
        DISCORD_API_URL: sim.apiUrl,
        INTERNAL_API_SECRET: TEST_SECRET,
        BACKEND_INTERNAL_URL: backend.url,
        MODDY_GUILD_ID: sim.world.guildId,
        MODDY_PREMIUM_ROLE_ID: sim.world.roles.premium,
        DATA_DIR: mkdtempSync(join(tmpdir(), 'moddy-shards-')),
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        ...extra,
      }),
    );
    return `http://127.0.0.1:${port}`;
  };

  beforeAll(async () => {
    // 1,501 guilds: Discord recommends two shards; max_concurrency 2 lets both identify at once
    sim = await DiscordSim.start({
      heartbeatIntervalMs: 1000,
      maxConcurrency: 2,
      world: { synthetic: { guilds: 1500, membersPerGuild: 1, distinctUsers: false } },
    });
    backend = await DemoBackend.start({ secret: TEST_SECRET });
    compiledService(); // before the clock of the readiness waits starts
  }, 180000);

  afterAll(async () => {
    for (const bot of bots) if (bot.child.exitCode === null) bot.child.kill('SIGKILL');
    await Promise.all(bots.map((b) => b.exited));
    await sim?.stop();
    await backend?.stop();
  });

  it('should run the recommended two shards in one process by default, ready only once both are', async () => {
    const url = await start({});
    await waitForStatus(`${url}/health/ready`, 200, 60000);
    expect(await readyShards(url)).toEqual([
      expect.objectContaining({ id: 0, status: 'Ready', healthy: true }),
      expect.objectContaining({ id: 1, status: 'Ready', healthy: true }),
    ]);
    const sessions = (await sim.sessions()).filter((s) => s.open);
    expect(sessions.map((s) => s.shard).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(sessions.reduce((n, s) => n + s.guildsSent, 0)).toBe(1501);
    const bot = bots[bots.length - 1];
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
  }, 90000);

  it("should send the Moddy guild's member events from the replica holding its shard, the other unaffected", async () => {
    const home = Number((BigInt(sim.world.guildId) >> 22n) % 2n);
    const urls = [
      await start({ DISCORD_SHARD_COUNT: '2', DISCORD_SHARD_IDS: '0' }),
      await start({ DISCORD_SHARD_COUNT: '2', DISCORD_SHARD_IDS: '1' }),
    ];
    const [first, second] = bots.slice(-2);
    await Promise.all(urls.map((url) => waitForStatus(`${url}/health/ready`, 200, 60000)));
    expect((await readyShards(urls[0])).map((s) => s.id)).toEqual([0]);
    expect((await readyShards(urls[1])).map((s) => s.id)).toEqual([1]);
    backend.reset();
    await sim.memberJoin(sim.world.guildId, 'carol');
    const joined = await eventually(
      () => backend.events().filter((e) => e.event_type === 'member_joined'),
      (events) => events.length >= 1,
      15000,
      100,
    );
    expect(joined).toEqual([expect.objectContaining({ discord_id: sim.userId('carol') })]);
    // the join reached only the replica on the Moddy guild's shard; both stay ready, neither logged an error
    expect((await sim.sessions()).filter((s) => s.open && s.shard[0] === home)).toHaveLength(1);
    for (const url of urls) expect((await fetch(`${url}/health/ready`)).status).toBe(200);
    for (const bot of [first, second]) expect(problems(bot)).toEqual([]);
    // a notification through the replica without the Moddy guild still DMs the member
    const res = await fetch(`${urls[1 - home]}/internal/notify`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_SECRET}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        discord_id: sim.userId('carol'),
        action: 'subscription_created',
        plan: 'moddy_max',
        metadata: { subscription_id: 'sub_carol' },
      }),
    });
    expect(res.status).toBe(200);
    await eventually(
      () => sim.dmsTo('carol'),
      (dms) => dms.length === 1,
      15000,
      100,
    );
  }, 120000);
});
