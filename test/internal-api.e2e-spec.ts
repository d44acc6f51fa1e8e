import { createHmac } from 'node:crypto';
import { HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS } from '../src/common/http/http-limits';
import { DatabaseService } from '../src/storage/database.service';
import { TEST_SECRET, useHarness, type Harness } from './support/e2e-harness';
import { rawRequest } from './support/raw-http';
import { eventually } from './support/wait';

const ALICE_BODY = (h: Harness) => ({
  discord_id: h.sim.userId('alice'),
  action: 'subscription_created',
  plan: 'moddy_max',
});

function sign(body: string, timestamp: number, secret = TEST_SECRET): Record<string, string> {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return { 'x-moddy-timestamp': String(timestamp), 'x-moddy-signature': `sha256=${mac}` };
}
const now = () => Math.floor(Date.now() / 1000);

const POST_ROUTES = [
  '/internal/notify',
  '/internal/roles/update',
  '/internal/subscription/refresh',
  '/internal/invoices/notify',
  '/internal/refunds/notify',
];

describe('internal API (contract rules, real HTTP)', () => {
  let h: Harness;

  useHarness((harness) => (h = harness));

  describe('authentication', () => {
    it('should answer 401 when the Authorization header is missing', async () => {
      const res = await fetch(`${h.url}/internal/health`);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'Missing Authorization header' });
    });

    it.each([['Basic abc'], ['Bearer'], ['Bearer a b'], [`Bearer: ${TEST_SECRET}`], [TEST_SECRET]])(
      'should answer 401 for the malformed header %p',
      async (header) => {
        const res = await h.call('/internal/health', undefined, { authorization: header });
        expect(res).toMatchObject({ status: 401, body: { error: 'Invalid Authorization format' } });
      },
    );

    it.each([[`bearer ${TEST_SECRET}`], [`BEARER ${TEST_SECRET}`], [`Bearer  ${TEST_SECRET}`]])(
      'should take the scheme in any case, as HTTP says: %p',
      async (header) => {
        const res = await h.call('/internal/health', undefined, { authorization: header });
        expect(res).toMatchObject({ status: 200, body: { status: 'healthy' } });
      },
    );

    it('should answer 403 for a wrong secret of the same length and of another length', async () => {
      const same = 'x'.repeat(TEST_SECRET.length);
      for (const secret of [same, 'short', `${TEST_SECRET}x`]) {
        const res = await h.call('/internal/health', undefined, { authorization: `Bearer ${secret}` });
        expect(res).toMatchObject({ status: 403, body: { error: 'Invalid secret' } });
      }
    });

    it('should refuse before doing anything: no DM for an unauthenticated notify', async () => {
      const res = await h.call('/internal/notify', ALICE_BODY(h), { authorization: 'Bearer wrong' });
      expect(res.status).toBe(403);
      expect(await h.sim.requests({ method: 'POST', route: 'POST /channels/*/messages' })).toHaveLength(0);
    });
  });

  describe('signature', () => {
    it('should accept a valid signature over the raw body', async () => {
      const body = JSON.stringify(ALICE_BODY(h));
      const res = await h.call('/internal/notify', body, sign(body, now()));
      expect(res.status).toBe(200);
    });

    it('should refuse a signed request replayed within its window with 409, on any route', async () => {
      const body = JSON.stringify({ ...ALICE_BODY(h), metadata: { subscription_id: 'sub_replayed' } });
      const headers = sign(body, now());
      expect((await h.call('/internal/notify', body, headers)).status).toBe(200);
      const replay = await h.call('/internal/notify', body, headers);
      expect(replay).toMatchObject({ status: 409, body: { error: 'Signature already used: replayed request' } });
      const refresh = JSON.stringify({ discord_id: h.sim.userId('bob') });
      const refreshHeaders = sign(refresh, now());
      expect((await h.call('/internal/subscription/refresh', refresh, refreshHeaders)).status).toBe(200);
      expect((await h.call('/internal/subscription/refresh', refresh, refreshHeaders)).status).toBe(409);
      expect(await h.sim.dmsTo('alice')).toHaveLength(1);
    });

    it('should answer the very same signed request with its Idempotency-Key with the first response', async () => {
      const body = JSON.stringify({ ...ALICE_BODY(h), metadata: { subscription_id: 'sub_signed_retry' } });
      const headers = { ...sign(body, now()), 'idempotency-key': 'signed-retry-1' };
      const first = await h.call('/internal/notify', body, headers);
      const again = await h.call('/internal/notify', body, headers);
      expect(again).toMatchObject({ status: 200, body: first.body });
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(await h.sim.dmsTo('alice')).toHaveLength(1);
    });

    it('should refuse a signed request replayed with another Idempotency-Key, or without one, with 409', async () => {
      // A grant, then a `free`, then the grant again under a new key: it must not give the role back.
      const grant = JSON.stringify({ discord_id: h.sim.userId('erin'), plan: 'moddy_max' });
      const grantHeaders = { ...sign(grant, now()), 'idempotency-key': 'grant-1' };
      expect((await h.call('/internal/roles/update', grant, grantHeaders)).status).toBe(200);
      const free = JSON.stringify({ discord_id: h.sim.userId('erin'), plan: 'free' });
      expect((await h.call('/internal/roles/update', free, sign(free, now()))).status).toBe(200);
      const { 'idempotency-key': _first, ...withoutKey } = grantHeaders;
      for (const headers of [{ ...withoutKey, 'idempotency-key': 'anything-new' }, withoutKey]) {
        const replay = await h.call('/internal/roles/update', grant, headers);
        expect(replay).toMatchObject({ status: 409, body: { error: 'Signature already used: replayed request' } });
      }
      expect(await h.sim.memberRoleNames('erin')).not.toContain('premium');
    });

    it('should answer 401 Invalid signature for a wrong, stale, future or half-sent signature', async () => {
      const body = JSON.stringify(ALICE_BODY(h));
      const cases = [
        sign(body, now(), 'another-secret-of-enough-length-000000'),
        sign(body, now() - 302), // a second apart from the window on either side: the server reads its clock later
        sign(body, now() + 62),
        { 'x-moddy-timestamp': String(now()) },
        { ...sign(body, now()), 'x-moddy-timestamp': 'yesterday' },
        sign(`${body} `, now()),
      ];
      for (const headers of cases) {
        const res = await h.call('/internal/notify', body, headers);
        expect(res).toMatchObject({ status: 401, body: { error: 'Invalid signature' } });
      }
      expect(await h.sim.requests({ route: 'POST /channels/*/messages' })).toHaveLength(0);
    });
  });

  describe('body handling', () => {
    it('should answer 422 in the FastAPI detail shape', async () => {
      const res = await h.call('/internal/notify', { action: 'subscription_created' });
      expect(res.status).toBe(422);
      const detail = (res.body as { detail: { loc: unknown[]; msg: string; type: string }[] }).detail;
      expect(detail).toEqual(expect.arrayContaining([expect.objectContaining({ loc: ['body', 'discord_id'] })]));
      for (const d of detail) expect(typeof d.msg === 'string' && typeof d.type === 'string').toBe(true);
    });

    it.each([
      ['a short discord_id', { discord_id: '123', action: 'subscription_created' }, ['body', 'discord_id']],
      ['a numeric discord_id', { discord_id: 12345678901234, action: 'subscription_created' }, ['body', 'discord_id']],
      ['an unknown action', { discord_id: '123456789012345678', action: 'refund' }, ['body', 'action']],
      [
        'a plan too long',
        { discord_id: '123456789012345678', action: 'subscription_created', plan: 'p'.repeat(65) },
        ['body', 'plan'],
      ],
      [
        'metadata as an array',
        { discord_id: '123456789012345678', action: 'subscription_created', metadata: [1] },
        ['body', 'metadata'],
      ],
      [
        'metadata with 33 keys',
        {
          discord_id: '123456789012345678',
          action: 'subscription_created',
          metadata: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, i])),
        },
        ['body', 'metadata'],
      ],
      [
        'metadata over 8 KiB',
        { discord_id: '123456789012345678', action: 'subscription_created', metadata: { note: 'n'.repeat(8200) } },
        ['body', 'metadata'],
      ],
    ])('should refuse %s with 422 at the right location', async (_name, body, loc) => {
      const res = await h.call('/internal/notify', body);
      expect(res.status).toBe(422);
      expect((res.body as { detail: { loc: unknown[] }[] }).detail.map((d) => d.loc)).toContainEqual(loc);
    });

    it('should refuse role lists with bad ids or too many entries', async () => {
      const bad = await h.call('/internal/roles/update', {
        discord_id: '123456789012345678',
        plan: 'x',
        add_roles: ['nope'],
      });
      expect(bad.status).toBe(422);
      const many = Array.from({ length: 26 }, (_, i) => String(100000000000000000 + i));
      const tooMany = await h.call('/internal/roles/update', {
        discord_id: '123456789012345678',
        plan: 'x',
        remove_roles: many,
      });
      expect(tooMany.status).toBe(422);
    });

    it('should answer 422 for a JSON value that is not an object', async () => {
      for (const body of ['[]', '"text"', '42', 'null']) {
        const res = await h.call('/internal/notify', body);
        expect(res.status).toBe(422);
      }
    });

    it('should answer 400 for malformed JSON', async () => {
      const res = await h.call('/internal/notify', '{"discord_id": ');
      expect(res).toMatchObject({ status: 400, body: { error: 'Malformed JSON body' } });
    });

    it.each(POST_ROUTES)('should answer 400 for JSON nested deeper than 32 levels on %s', async (route) => {
      const deep = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
      // In an ignored field too, and with brackets inside strings that must not count.
      for (const body of [deep(1300), `{"discord_id":"123456789012345678","x":${deep(33)}}`]) {
        const res = await h.call(route, body, { 'idempotency-key': `deep-${route}` });
        expect(res).toMatchObject({ status: 400, body: { error: 'JSON body nests deeper than 32 levels' } });
      }
      const shallow = `{"discord_id":"1","note":"${'['.repeat(40)}","x":${deep(31)}}`;
      expect((await h.call(route, shallow)).status).toBe(422);
      expect((await h.call('/internal/health')).status).toBe(200);
    });

    it('should answer 413 for a body over 64 KiB', async () => {
      const res = await h.call('/internal/notify', JSON.stringify({ pad: 'x'.repeat(70 * 1024) }));
      expect(res.status).toBe(413);
      expect(res.body).toEqual({ error: expect.stringContaining('larger than') });
    });

    it('should answer 415 for a content type that is not JSON', async () => {
      for (const type of ['text/plain', 'application/xml', 'application/x-www-form-urlencoded']) {
        const res = await h.call('/internal/notify', 'discord_id=1', { 'content-type': type });
        expect(res).toMatchObject({ status: 415, body: { error: 'Content-Type must be application/json' } });
      }
    });

    it('should ignore unknown top-level fields', async () => {
      const res = await h.call('/internal/notify', { ...ALICE_BODY(h), from_the_future: { x: 1 } });
      expect(res).toMatchObject({ status: 200, body: { success: true, notification_sent: true } });
    });

    it('should keep serving after a burst of bad requests', async () => {
      await Promise.all(Array.from({ length: 30 }, (_, i) => h.call('/internal/notify', i % 2 ? '{' : '[]')));
      expect((await h.call('/internal/health')).status).toBe(200);
    });
  });

  describe('slow and oversized requests', () => {
    const post = (authorization: string, length: number) =>
      `POST /internal/notify HTTP/1.1\r\nHost: bot\r\nAuthorization: ${authorization}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;
    /** Node looks for requests past their timeout every 500 ms; the rest is a loaded machine's slack. */
    const SLACK_MS = 3000;

    it('should refuse a wrong secret before reading the body, and close the connection', async () => {
      const answer = await rawRequest(h.url, post('Bearer wrong', 1000));
      expect(answer).toMatchObject({ status: 403, body: JSON.stringify({ error: 'Invalid secret' }) });
      const missing = await rawRequest(h.url, post('Basic x', 1000).replace('Authorization: Basic x\r\n', ''));
      expect(missing).toMatchObject({ status: 401, body: JSON.stringify({ error: 'Missing Authorization header' }) });
    });

    it('should cut off a body sent one byte per second, with 408 in the contract shape', async () => {
      const body = JSON.stringify(ALICE_BODY(h));
      const answer = await rawRequest(h.url, post(`Bearer ${TEST_SECRET}`, body.length), body, 1000);
      expect(answer).toMatchObject({ status: 408, body: JSON.stringify({ error: 'Request not received in time' }) });
      expect(answer.closedAfterMs).toBeLessThan(REQUEST_TIMEOUT_MS + SLACK_MS);
      expect(await h.sim.dmsTo('alice')).toHaveLength(0);
    });

    it('should cut off headers sent one byte per second', async () => {
      const answer = await rawRequest(h.url, 'GET /internal/health HTTP/1.1\r\n', 'X-Slow: ' + 'x'.repeat(60), 1000);
      expect(answer).toMatchObject({ status: 408 });
      expect(answer.closedAfterMs).toBeLessThan(HEADERS_TIMEOUT_MS + SLACK_MS);
    });

    it('should answer 431 in the contract shape for 60 KB of headers', async () => {
      const res = await h.call('/internal/health', undefined, { 'x-padding': 'p'.repeat(60 * 1024) });
      expect(res).toMatchObject({ status: 431, body: { error: 'Request headers are larger than 16 KiB' } });
      expect((await h.call('/internal/health')).status).toBe(200);
    });
  });

  describe('idempotency', () => {
    // Each test names its own subscription, so the inbox's own de-duplication does not hide the DM.
    const fresh = (id: string) => ({ ...ALICE_BODY(h), metadata: { subscription_id: id } });

    it('should replay the first response for a repeated key, with the replay header', async () => {
      const headers = { 'idempotency-key': 'notify-evt-1' };
      const first = await h.call('/internal/notify', fresh('sub_idem_1'), headers);
      const second = await h.call('/internal/notify', fresh('sub_idem_1'), headers);
      expect(first.status).toBe(200);
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      expect(second.status).toBe(200);
      expect(second.body).toEqual(first.body);
      expect(second.headers.get('idempotent-replayed')).toBe('true');
      expect(await h.sim.dmsTo('alice')).toHaveLength(1);
    });

    it('should run a key once when the same request arrives twice at the same time', async () => {
      const headers = { 'idempotency-key': 'notify-evt-race' };
      const [a, b] = await Promise.all([
        h.call('/internal/notify', fresh('sub_idem_race'), headers),
        h.call('/internal/notify', fresh('sub_idem_race'), headers),
      ]);
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(a.body).toEqual(b.body);
      expect(await h.sim.dmsTo('alice')).toHaveLength(1);
    });

    it('should answer 409 when a key comes back with another body', async () => {
      const headers = { 'idempotency-key': 'notify-evt-2' };
      await h.call('/internal/notify', ALICE_BODY(h), headers);
      const res = await h.call('/internal/notify', { ...ALICE_BODY(h), action: 'plan_upgraded' }, headers);
      expect(res).toMatchObject({ status: 409, body: { error: 'Idempotency-Key reused with a different body' } });
    });

    it('should refuse a malformed key and not store a failed request', async () => {
      const bad = await h.call('/internal/notify', ALICE_BODY(h), { 'idempotency-key': 'has space' });
      expect(bad.status).toBe(422);
      const headers = { 'idempotency-key': 'notify-evt-3' };
      expect((await h.call('/internal/notify', { discord_id: 'x' }, headers)).status).toBe(422);
      expect((await h.call('/internal/notify', ALICE_BODY(h), headers)).status).toBe(200);
    });
  });

  describe('health', () => {
    it('should report healthy with the service name and version on /internal/health', async () => {
      const res = await h.call('/internal/health');
      expect(res).toMatchObject({
        status: 200,
        body: { status: 'healthy', service: 'discord-bot', version: '1.0.0-test' },
      });
    });

    it('should answer the open liveness probe', async () => {
      const res = await fetch(`${h.url}/health/live`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ok' });
    });

    it('should be ready once a heartbeat is acknowledged, with the store and backend as details', async () => {
      const res = await eventually(
        () => fetch(`${h.url}/health/ready`),
        (r) => r.status === 200,
        5000,
        100,
      );
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        status: 'ok',
        info: {
          discord: { status: 'up' },
          store: { status: 'up' },
          backend: { status: 'up', reachable: true },
        },
      });
    });

    it('should stay ready when the backend is down, reporting only that as a detail', async () => {
      h.backend.failWith('/internal/health', 503);
      const res = await fetch(`${h.url}/health/ready`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { info: Record<string, unknown> };
      expect(body.info.backend).toEqual({ status: 'up', reachable: false });
    });

    it('should name the check that is down and nothing of its error (the open probe has no secret)', async () => {
      const ping = jest
        .spyOn(h.app.get(DatabaseService), 'checkWritable')
        .mockRejectedValue(new Error('connect ECONNREFUSED 10.0.0.7:5432'));
      try {
        const res = await fetch(`${h.url}/health/ready`);
        expect(res.status).toBe(503);
        const text = await res.text();
        expect(JSON.parse(text)).toMatchObject({ status: 'error', error: { store: { status: 'down' } } });
        expect(text).not.toMatch(/ECONNREFUSED|10\.0\.0\.7|sqlite|dialect/);
      } finally {
        ping.mockRestore();
      }
    });
  });
});

describe('signatures with a separate signing key (contract 1.2)', () => {
  let h: Harness;
  const SIGNING_SECRET = 'signing-secret-that-never-travels-0123456789';

  useHarness((harness) => (h = harness), { env: { INTERNAL_API_SIGNING_SECRET: SIGNING_SECRET } });

  it('should check signatures with INTERNAL_API_SIGNING_SECRET, not with the secret every request carries', async () => {
    const body = JSON.stringify(ALICE_BODY(h));
    expect(await h.call('/internal/notify', body, sign(body, now(), TEST_SECRET))).toMatchObject({
      status: 401,
      body: { error: 'Invalid signature' },
    });
    expect((await h.call('/internal/notify', body, sign(body, now(), SIGNING_SECRET))).status).toBe(200);
  });
});
