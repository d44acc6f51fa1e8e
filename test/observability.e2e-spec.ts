import { createHmac } from 'node:crypto';
import { Writable } from 'node:stream';
import { DiscordSim } from '../tools/discord-sim/sim-client';
import { defaultGuildSpec } from '../tools/discord-sim/world';
import { startHarness, TEST_SECRET, type Harness } from './support/e2e-harness';
import { eventually } from './support/wait';

const METRICS_TOKEN = 'metrics-token-for-e2e-0123456789';

/** Every JSON line the service writes, as text and as objects. */
class CapturedLogs {
  private text = '';
  readonly stream = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      this.text += chunk.toString('utf8');
      done();
    },
  });

  all(): string {
    return this.text;
  }

  lines(): Array<Record<string, unknown>> {
    return this.text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}

/** The value of one series in Prometheus text, or undefined when it is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('observability (real HTTP, simulator)', () => {
  let sim: DiscordSim;
  let h: Harness;
  const logs = new CapturedLogs();

  const scrape = async (): Promise<string> => {
    const res = await fetch(`${h.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    return res.text();
  };

  beforeAll(async () => {
    // Erin owns another guild: Discord lets her run /admin there, and only the staff check refuses her.
    const elsewhere = { name: 'Elsewhere', owner: 'erin', channels: [{ name: 'lobby' }], members: [{ user: 'erin' }] };
    sim = await DiscordSim.start({ heartbeatIntervalMs: 1000, world: { guilds: [defaultGuildSpec(), elsewhere] } });
    h = await startHarness({ sim, env: { METRICS_TOKEN, LOG_LEVEL: 'debug' }, logDestination: logs.stream });
  });
  afterAll(async () => {
    await h?.close();
    await sim?.stop();
  });
  beforeEach(async () => {
    await h.sim.reset();
    h.backend.reset();
  });

  describe('GET /metrics', () => {
    it('should refuse a scrape without the token, with a malformed header or with another token', async () => {
      const missing = await fetch(`${h.url}/metrics`);
      expect(missing.status).toBe(401);
      expect(await missing.json()).toEqual({ error: 'Missing Authorization header' });
      const malformed = await fetch(`${h.url}/metrics`, { headers: { authorization: METRICS_TOKEN } });
      expect(malformed.status).toBe(401);
      const wrong = await fetch(`${h.url}/metrics`, { headers: { authorization: `Bearer ${TEST_SECRET}` } });
      expect(wrong.status).toBe(403);
      expect(await wrong.json()).toEqual({ error: 'Invalid token' });
    });

    it('should serve Prometheus text with process, HTTP and gateway series', async () => {
      const res = await fetch(`${h.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      const text = await res.text();
      expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
      expect(text).toContain('# TYPE moddy_http_request_duration_seconds histogram');
      const ping = sample(text, 'moddy_discord_gateway_ping_milliseconds');
      expect(ping === -1 || (ping !== undefined && ping >= 0)).toBe(true);
    });

    it('should count a command by name and outcome, and the backend call behind it', async () => {
      const before = await scrape();
      const ok = sample(before, 'moddy_commands_total{command="subscription",outcome="ok"}') ?? 0;
      const calls =
        sample(
          before,
          'moddy_backend_request_duration_seconds_count{endpoint="/internal/subscription/info",status="200"}',
        ) ?? 0;
      await (await h.sim.slash({ user: 'bob', name: 'subscription' })).waitForFinal();
      // Counted when the handler ends, just after Discord has the final reply.
      const after = await eventually(
        scrape,
        (text) => sample(text, 'moddy_commands_total{command="subscription",outcome="ok"}') === ok + 1,
      );
      expect(
        sample(
          after,
          'moddy_backend_request_duration_seconds_count{endpoint="/internal/subscription/info",status="200"}',
        ),
      ).toBe(calls + 1);
    });

    it('should count a staff command refused to a member as denied', async () => {
      const handle = await h.sim.slash({
        user: 'erin',
        guildId: h.sim.world.guilds[1].id,
        channel: 'lobby',
        name: 'admin',
        subcommand: 'subscription',
        options: { user: h.sim.userId('alice') },
      });
      expect((await handle.waitForFinal()).content).toBe('This command is for Moddy staff only.');
      expect(sample(await scrape(), 'moddy_commands_total{command="admin subscription",outcome="denied"}')).toBe(1);
    });

    it('should count notifications by outcome and Discord REST errors by code', async () => {
      await h.sim.setFaults({ dmClosed: ['erin'] });
      const before = await scrape();
      const closed = sample(before, 'moddy_notifications_total{outcome="dm_closed"}') ?? 0;
      const sent = sample(before, 'moddy_notifications_total{outcome="sent"}') ?? 0;
      const code = sample(before, 'moddy_discord_rest_errors_total{status="403",code="50007"}') ?? 0;
      for (const user of ['alice', 'erin']) {
        const res = await h.call('/internal/notify', {
          discord_id: h.sim.userId(user),
          action: 'subscription_updated',
          plan: 'moddy_max',
          metadata: { event_id: `evt-metrics-${user}` },
        });
        expect(res.status).toBe(200);
      }
      const after = await scrape();
      expect(sample(after, 'moddy_notifications_total{outcome="sent"}')).toBe(sent + 1);
      expect(sample(after, 'moddy_notifications_total{outcome="dm_closed"}')).toBe(closed + 1);
      expect(sample(after, 'moddy_discord_rest_errors_total{status="403",code="50007"}')).toBe(code + 1);
    });
  });

  describe('logs', () => {
    it('should log one line per request with method, route, status and duration, under the id it echoes', async () => {
      const res = await h.call('/internal/health', undefined, { 'x-request-id': 'trace-4bf92f3577b34da6' });
      expect(res.headers.get('x-request-id')).toBe('trace-4bf92f3577b34da6');
      const lines = logs.lines().filter((l) => l.reqId === 'trace-4bf92f3577b34da6');
      expect(lines).toEqual([
        expect.objectContaining({
          level: 'info',
          message: 'request completed',
          method: 'GET',
          route: '/internal/health',
          status: 200,
          durationMs: expect.any(Number) as number,
        }),
      ]);
    });

    it('should tie the lines logged while serving a request to its id', async () => {
      // Discord failing to list the guild's roles makes RolesService log a warning while serving the call.
      await h.sim.setFaults({ http5xx: [{ route: 'GET /guilds/*/roles', status: 500, count: 10 }] });
      const res = await h.call(
        '/internal/roles/update',
        { discord_id: h.sim.userId('alice'), plan: 'moddy_max' },
        { 'x-request-id': 'roles-trace-1' },
      );
      expect(res.headers.get('x-request-id')).toBe('roles-trace-1');
      const lines = logs.lines().filter((l) => l.reqId === 'roles-trace-1');
      expect(lines.some((l) => l.level === 'warn' && l.context === 'RolesService')).toBe(true);
      expect(lines.filter((l) => l.message === 'request completed')).toHaveLength(1);
    });

    it('should log only the first segment of a path that matched no route, and only one of its own', async () => {
      const paths = { '/internal/users/alice@example.com': '/internal', '/alice@example.com/token-x': '/*' };
      for (const [path, logged] of Object.entries(paths)) {
        const res = await h.call(path, undefined, { 'x-request-id': `unmatched-${logged.length}` });
        expect(res.status).toBe(404);
        const line = logs.lines().find((l) => l.reqId === `unmatched-${logged.length}`);
        expect(line).toMatchObject({ route: null, path: logged, status: 404 });
      }
      expect(logs.all()).not.toContain('alice@example.com');
    });

    it('should give a request with a malformed X-Request-Id a fresh one', async () => {
      const res = await h.call('/internal/health', undefined, { 'x-request-id': 'not "an" id' });
      const id = res.headers.get('x-request-id');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(logs.lines().some((l) => l.reqId === id && l.route === '/internal/health')).toBe(true);
    });

    it('should log one line per interaction with command, user, latency and outcome', async () => {
      const handle = await h.sim.slash({ user: 'bob', name: 'subscription' });
      await handle.waitForFinal();
      // The line is written when the handler ends, which is just after Discord has the final reply.
      const line = await eventually(
        () => logs.lines().find((l) => l.message === 'interaction' && l.interactionId === handle.id),
        (found) => found !== undefined,
      );
      expect(line).toMatchObject({
        level: 'info',
        command: 'subscription',
        userId: h.sim.userId('bob'),
        outcome: 'ok',
        latencyMs: expect.any(Number) as number,
      });
    });

    it('should never write a secret, even from requests that carry them in every header', async () => {
      const body = JSON.stringify({ discord_id: h.sim.userId('alice'), action: 'subscription_created' });
      const timestamp = String(Math.floor(Date.now() / 1000));
      const signature = `sha256=${createHmac('sha256', TEST_SECRET).update(`${timestamp}.${body}`).digest('hex')}`;
      // Each secret is well-formed as a request id, so it would be logged as reqId if nothing stopped it.
      const notify = await h.call('/internal/notify', body, {
        'x-request-id': TEST_SECRET,
        'x-moddy-timestamp': timestamp,
        'x-moddy-signature': signature,
      });
      expect(notify.status).toBe(200);
      const wrong = await h.call('/internal/health', undefined, {
        authorization: `Bearer ${METRICS_TOKEN}`,
        'x-request-id': h.sim.token,
      });
      expect(wrong.status).toBe(403);
      const metrics = await fetch(`${h.url}/metrics`, {
        headers: { authorization: `Bearer ${METRICS_TOKEN}`, 'x-request-id': METRICS_TOKEN },
      });
      expect(metrics.status).toBe(200);

      const text = logs.all();
      expect(
        logs
          .lines()
          .filter((l) => l.reqId === '[redacted]')
          .map((l) => l.route),
      ).toEqual(['/internal/notify', '/internal/health', '/metrics']);
      for (const secret of [TEST_SECRET, h.sim.token, METRICS_TOKEN, signature.slice(7)]) {
        expect(text).not.toContain(secret);
      }
    });
  });

  describe('without METRICS_TOKEN', () => {
    let open: Harness;

    beforeAll(async () => {
      open = await startHarness({ sim });
    });
    afterAll(() => open?.close());

    it('should serve /metrics to anyone', async () => {
      const res = await fetch(`${open.url}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('# TYPE moddy_commands_total counter');
    });
  });
});
