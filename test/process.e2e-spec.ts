import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
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
import { TEST_SECRET } from './support/e2e-harness';

/**
 * A failed start: exit 1, and one fatal JSON line (the default LOG_FORMAT) naming the cause, with none of the
 * given secrets anywhere in the output. (Other lines may follow it, such as the gateway's disconnect.)
 */
async function expectStartFailure(bot: BotProcess, cause: RegExp, secrets: string[]): Promise<void> {
  expect(await bot.exited).toBe(1);
  const lines = bot
    .output()
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { level: string; message: string });
  expect(lines.filter((line) => line.level === 'fatal')).toEqual([
    expect.objectContaining({ message: expect.stringMatching(cause) }),
  ]);
  for (const secret of secrets) expect(bot.output()).not.toContain(secret);
}

beforeAll(compiledService, BUILD_TIMEOUT_MS);

describe('the service process', () => {
  it('should refuse to start with one line per bad variable, never printing a secret', async () => {
    const bot = spawnBot({ INTERNAL_API_SECRET: 'too-short-secret-value', PORT: 'http', DEFAULT_LOCALE: 'de' });
    expect(await bot.exited).toBe(1);
    const lines = bot.output().trim().split('\n');
    expect(lines[0]).toBe('Invalid configuration:');
    expect(lines.slice(1).map((l) => l.trim())).toEqual([
      '- DISCORD_TOKEN is required',
      '- INTERNAL_API_SECRET must be at least 32 characters long',
      expect.stringMatching(/^- PORT /),
      expect.stringMatching(/^- DEFAULT_LOCALE must be one of en-US, fr/),
    ]);
    expect(bot.output()).not.toContain('too-short-secret-value');
  });

  describe('running against the simulator', () => {
    let sim: DiscordSim;
    let backend: DemoBackend;
    let dataDir: string;
    /** The environment of a bot that starts, on its own port; `extra` breaks one thing. */
    const env = async (extra: Record<string, string> = {}): Promise<Record<string, string>> => ({
      DISCORD_TOKEN: sim.token,
      DISCORD_API_URL: sim.apiUrl,
      INTERNAL_API_SECRET: TEST_SECRET,
      BACKEND_INTERNAL_URL: backend.url,
      MODDY_GUILD_ID: sim.world.guildId,
      DATA_DIR: dataDir,
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      ...extra,
    });

    beforeAll(async () => {
      sim = await DiscordSim.start({ heartbeatIntervalMs: 1000 });
      backend = await DemoBackend.start({ secret: TEST_SECRET });
      dataDir = mkdtempSync(join(tmpdir(), 'moddy-proc-'));
    });
    afterAll(async () => {
      await sim?.stop();
      await backend?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('should become ready, then exit 0 on SIGTERM after closing the gateway', async () => {
      const bot = spawnBot(await env());
      const port = Number(bot.env.PORT);
      try {
        await waitForStatus(`http://127.0.0.1:${port}/health/ready`, 200);
        expect((await sim.sessions()).some((s) => s.open)).toBe(true);
        bot.child.kill('SIGTERM');
        expect(await bot.exited).toBe(0);
        expect((await sim.sessions()).every((s) => !s.open)).toBe(true);
        expect(bot.output()).toContain('SIGTERM received, shutting down');
      } finally {
        if (bot.child.exitCode === null) bot.child.kill('SIGKILL');
      }
    }, 60000);

    it('should answer a retry after a crash within 5 s, with the outcome, not a locked Idempotency-Key', async () => {
      const shared = await env();
      const first = spawnBot(shared);
      let second: BotProcess | undefined;
      try {
        await waitForStatus(`http://127.0.0.1:${shared.PORT}/health/ready`, 200);
        // Discord hangs, so the first request is mid-way (its key reserved, its DM in flight) when it is killed.
        await sim.setFaults({ routeLatency: [{ route: 'POST /channels/*/messages', ms: 60_000 }] });
        const call = (port: string) =>
          fetch(`http://127.0.0.1:${port}/internal/notify`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${TEST_SECRET}`,
              'content-type': 'application/json',
              'idempotency-key': 'crash-retry-1',
            },
            body: JSON.stringify({ discord_id: sim.world.users.alice, action: 'subscription_created' }),
          });
        call(shared.PORT).catch(() => undefined);
        // Its DM channel is opened (not delayed) just before the DM itself (held back by the latency).
        await sim.waitForRequests({ method: 'POST', route: 'POST /users/@me/channels' }, 1);
        first.child.kill('SIGKILL');
        await first.exited;
        await sim.reset();

        second = spawnBot({ ...shared, PORT: String(await freePort()) });
        await waitForStatus(`http://127.0.0.1:${second.env.PORT}/health/ready`, 200);
        const started = Date.now();
        const retry = await call(second.env.PORT);
        expect(Date.now() - started).toBeLessThan(5000);
        expect(retry.status).toBe(200);
        expect(await retry.json()).toMatchObject({ success: true });
      } finally {
        for (const bot of [first, second]) if (bot && bot.child.exitCode === null) bot.child.kill('SIGKILL');
        await sim.reset();
      }
    }, 60000);

    describe('failing to start', () => {
      it('should name a token Discord refuses, without printing it', async () => {
        const wrong = `${sim.token.split('.')[0]}.wrong.token-of-another-bot`;
        const bot = spawnBot(await env({ DISCORD_TOKEN: wrong }));
        await expectStartFailure(bot, /^Start failed: Discord refused the token \(401\)/, [wrong, TEST_SECRET]);
      });

      it('should name the privileged intent Discord refuses (4014)', async () => {
        const closed = await DiscordSim.start({ world: { applicationFlags: 0 } });
        try {
          const bot = spawnBot(await env({ DISCORD_TOKEN: closed.token, DISCORD_API_URL: closed.apiUrl }));
          await expectStartFailure(bot, /Discord refused the Server Members intent \(4014\)/, [closed.token]);
        } finally {
          await closed.stop();
        }
      });

      it.each([
        [
          'refused',
          async () => `http://127.0.0.1:${await freePort()}/api`,
          /Discord is unreachable: connect ECONNREFUSED/,
        ],
        [
          'unknown',
          () => Promise.resolve('http://discord.invalid/api'),
          /Discord is unreachable: getaddrinfo \w+ discord\.invalid/,
        ],
      ])('should name a Discord that is unreachable (%s address)', async (_name, url, cause) => {
        const bot = spawnBot(await env({ DISCORD_API_URL: await url() }));
        await expectStartFailure(bot, cause, [sim.token, TEST_SECRET]);
      });

      it('should name a PostgreSQL that is unreachable, without printing DATABASE_URL', async () => {
        const url = `postgres://moddy:pg-password-${TEST_SECRET.slice(0, 8)}@127.0.0.1:${await freePort()}/moddy`;
        const bot = spawnBot(await env({ DATABASE_URL: url }));
        await expectStartFailure(bot, /PostgreSQL at DATABASE_URL is unreachable: .*ECONNREFUSED/, [
          url,
          `pg-password-${TEST_SECRET.slice(0, 8)}`,
          TEST_SECRET,
        ]);
      });

      it('should name a role of MANAGED_ROLE_IDS that Discord manages itself (issue 22)', async () => {
        const bot = spawnBot(await env({ MANAGED_ROLE_IDS: sim.world.roles.bot }));
        await expectStartFailure(
          bot,
          /^Start failed: MANAGED_ROLE_IDS names the role @bot \(\d+\), which Discord manages/,
          [sim.token, TEST_SECRET],
        );
      });

      it('should name a port already in use', async () => {
        const taken = createServer();
        await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
        const { port } = taken.address() as { port: number };
        try {
          const bot = spawnBot(await env({ PORT: String(port) }));
          await expectStartFailure(bot, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`), [sim.token]);
        } finally {
          await new Promise((resolve) => taken.close(resolve));
        }
      });
    });
  });
});
