import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import { loadConfig, type AppConfig } from '../../src/config/app-config';
import { createApp } from '../../src/http-app';
import { MemberRoleCache } from '../../src/role-truth/member-role-cache';
import { DemoBackend } from '../../tools/demo-backend/demo-backend';
import { DiscordSim } from '../../tools/discord-sim/sim-client';
import { pgSchemaDatabase, type TestDatabase } from './databases';
import { eventually } from './wait';

export const TEST_SECRET = 'e2e-internal-secret-0123456789abcdef';

export interface Harness {
  sim: DiscordSim;
  backend: DemoBackend;
  app: INestApplication;
  config: AppConfig;
  /** The bot's internal API, e.g. http://127.0.0.1:PORT */
  url: string;
  /** Calls the bot's internal API with the shared secret. */
  call(
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: unknown; headers: Headers }>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  /** Where the service's JSON log lines go (instead of stdout). */
  logDestination?: DestinationStream;
  /** Boot against an already running simulator (shared by a test file). */
  sim?: DiscordSim;
  /** The store: SQLite in a temporary DATA_DIR (default), or a fresh schema on TEST_DATABASE_URL. */
  database?: TestDatabase['name'];
}

/** The names the demo backend's fixtures and the simulator's world share. */
const SHARED_USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'admin'];

/**
 * Boots the real AppModule against the Discord simulator and the demo backend, on a fresh SQLite
 * store, and waits until the gateway is ready and the commands are registered.
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  // A short heartbeat interval lets the readiness probe see a fresh heartbeat within a second.
  const sim = options.sim ?? (await DiscordSim.start({ heartbeatIntervalMs: 1000 }));
  const world = sim.world;
  const ids: Record<string, string> = {};
  for (const name of SHARED_USERS) if (world.users[name]) ids[name] = world.users[name];
  const backend = await DemoBackend.start({ secret: TEST_SECRET, ids });
  const dataDir = mkdtempSync(join(tmpdir(), 'moddy-e2e-'));
  const pg = options.database === 'postgres' ? await pgSchemaDatabase() : undefined;
  const config = loadConfig(
    {
      DISCORD_TOKEN: sim.token,
      DISCORD_API_URL: sim.apiUrl,
      INTERNAL_API_SECRET: TEST_SECRET,
      BACKEND_INTERNAL_URL: backend.url,
      BACKEND_TIMEOUT_MS: '1000',
      MODDY_GUILD_ID: world.guildId,
      MODDY_PREMIUM_ROLE_ID: world.roles.premium,
      BILLING_URL: 'https://moddy.example/billing',
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      // Quiet unless TEST_LOGS=1 (see jest-setup.ts); a test may ask for a level through `env`.
      LOG_LEVEL: process.env.TEST_LOGS ? 'debug' : 'silent',
      // No sweep on its own (the first start on a store would walk the guild): tests ask for the ones they need.
      ROLE_SYNC_INTERVAL_HOURS: '0',
      ...(pg ? { DATABASE_URL: pg.url } : {}),
      ...options.env,
    },
    '1.0.0-test',
  );
  const app = await createApp(config, { logDestination: options.logDestination });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  await sim.waitForReady();
  await sim.waitForCommands();
  // The gateway's view of members' roles has every member (else role passes read members first: other counts).
  if (config.guildId) {
    await eventually(
      () => app.get(MemberRoleCache).isSynced,
      (synced) => synced,
      30_000,
    );
  }

  return {
    sim,
    backend,
    app,
    config,
    url,
    async call(path, body, headers = {}) {
      const response = await fetch(`${url}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: {
          authorization: `Bearer ${TEST_SECRET}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: the test sees the text
      }
      return { status: response.status, body: parsed, headers: response.headers };
    },
    async close() {
      await app.close();
      await backend.stop();
      if (!options.sim) await sim.stop();
      rmSync(dataDir, { recursive: true, force: true });
      await pg?.drop();
    },
  };
}

/**
 * One harness for the enclosing `describe`: booted before its tests, closed after them; Discord and the
 * backend are reset before each test, and after each the bot must have spoken valid Discord (no request
 * refused with 50035, no unknown route).
 */
export function useHarness(set: (harness: Harness) => void, options: HarnessOptions = {}): void {
  let harness: Harness | undefined;
  const current = (): Harness => {
    if (!harness) throw new Error('the harness did not start');
    return harness;
  };
  beforeAll(async () => {
    harness = await startHarness(options);
    set(harness);
  });
  afterAll(() => harness?.close());
  beforeEach(async () => {
    await current().sim.reset();
    current().backend.reset();
  });
  afterEach(async () => {
    expect(await current().sim.unknownRoutes()).toEqual([]);
    expect(await current().sim.invalidRequests()).toEqual([]);
  });
}

/** Until no role change waits to be applied (the service's own queue-depth gauge at 0). */
export function rolesSettled(h: Harness, timeoutMs = 90000): Promise<string> {
  return eventually(
    async () => (await h.call('/metrics')).body as string,
    (text) => /^moddy_role_queue_depth 0$/m.test(text),
    timeoutMs,
    50,
  );
}
