// Boots the sandbox's three parts: the Discord simulator (own process), the demo backend and the real bot
// (both in this process), wired together without a .env or any credential.
import { createWriteStream, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { loadConfig } from '../../src/config/app-config';
import { createApp } from '../../src/http-app';
import { DemoBackend, DEMO_USERS } from '../demo-backend/demo-backend';
import { DiscordSim } from '../discord-sim/sim-client';

/** The shared secret of the sandbox's bot and demo backend. Made up; printed so a person can curl the bot. */
export const SANDBOX_SECRET = 'sandbox-internal-secret-0123456789abcdef';
/** A made-up billing page: the bot shows it as link buttons. */
export const SANDBOX_BILLING_URL = 'https://moddy.example/billing';

export interface Stack {
  sim: DiscordSim;
  backend: DemoBackend;
  app: INestApplication;
  /** The bot's internal API, e.g. `http://127.0.0.1:41234`. */
  url: string;
  secret: string;
  /** The temporary directory holding the SQLite store (removed on stop) and the log file (kept). */
  dir: string;
  /** Where the bot's JSON log lines go. */
  logFile: string;
  /** The channel that receives the refund audit log. */
  auditChannelId: string;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Bot log level (default `info`). */
  logLevel?: string;
  /** Called with a short line as each part comes up. */
  progress?: (line: string) => void;
}

/** Starts the simulator, the demo backend and the bot, and waits until the bot's commands are registered. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const progress = options.progress ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'moddy-sandbox-'));
  const logFile = join(dir, 'bot.log');
  let sim: DiscordSim | undefined;
  let backend: DemoBackend | undefined;
  let app: INestApplication | undefined;
  let log: WriteStream | undefined;
  const stopAll = async (): Promise<void> => {
    // Each part is stopped even if another fails to.
    await app?.close().catch(() => undefined);
    await backend?.stop().catch(() => undefined);
    await sim?.stop().catch(() => undefined);
    await new Promise<void>((resolve) => (log ? log.end(() => resolve()) : resolve()));
  };
  try {
    progress('starting the Discord simulator...');
    sim = await DiscordSim.start();
    const world = sim.world;
    // The demo backend's users are the simulator's, by name.
    const ids: Record<string, string> = {};
    for (const user of DEMO_USERS) {
      const id = world.users[user.name];
      if (id) ids[user.name] = id;
    }
    // As a 1.2 backend: the sweep reads its list of paying members instead of one call per member.
    backend = await DemoBackend.start({ secret: SANDBOX_SECRET, ids, entitledList: true });
    const auditChannelId = world.channels.announcements ?? world.channelId;
    const config = loadConfig(
      {
        DISCORD_TOKEN: sim.token,
        DISCORD_API_URL: sim.apiUrl,
        INTERNAL_API_SECRET: SANDBOX_SECRET,
        BACKEND_INTERNAL_URL: backend.url,
        MODDY_GUILD_ID: world.guildId,
        MODDY_PREMIUM_ROLE_ID: world.roles.premium,
        BILLING_URL: SANDBOX_BILLING_URL,
        AUDIT_CHANNEL_ID: auditChannelId,
        DATA_DIR: join(dir, 'data'),
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: options.logLevel ?? 'info',
        LOG_FORMAT: 'json',
        // No sweep on its own (a new store's first start would sweep at once, racing the lines typed):
        // `/admin roles sync` runs one.
        ROLE_SYNC_INTERVAL_HOURS: '0',
      },
      'sandbox',
    );
    progress('starting the bot...');
    log = createWriteStream(logFile, { flags: 'a' });
    app = await createApp(config, { logDestination: log });
    await app.listen(0, '127.0.0.1');
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    await sim.waitForReady(30000);
    await sim.waitForCommands(30000);
    const parts = { sim, backend, app };
    return {
      ...parts,
      url,
      secret: SANDBOX_SECRET,
      dir,
      logFile,
      auditChannelId,
      async stop() {
        await stopAll();
        // The store goes; the log stays for a look after the session.
        rmSync(join(dir, 'data'), { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stopAll();
    throw Object.assign(error instanceof Error ? error : new Error(String(error)), { logFile });
  }
}
