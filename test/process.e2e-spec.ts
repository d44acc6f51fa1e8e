import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DemoBackend } from './demo-backend/demo-backend';
import { DiscordSim } from './discord-sim/sim-client';
import { spawnBot, waitForStatus } from './support/bot-process';
import { TEST_SECRET } from './support/e2e-harness';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

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
      const port = await freePort();
      const bot = spawnBot({
        DISCORD_TOKEN: sim.token,
        DISCORD_API_URL: sim.apiUrl,
        INTERNAL_API_SECRET: TEST_SECRET,
        BACKEND_INTERNAL_URL: backend.url,
        MODDY_GUILD_ID: sim.world.guildId,
        DATA_DIR: dataDir,
        PORT: String(port),
        HOST: '127.0.0.1',
      });
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
  });
});
