import { spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  ALICE,
  BACKEND_PATHS,
  BOB,
  DEMO_SECRET,
  DEMO_USER_IDS,
  DEMO_USERS,
  DemoBackend,
  FRANK,
  UNKNOWN_DISCORD_ID,
  cloneUser,
  defaultFixtures,
  remapFixtures,
} from './demo-backend';
import { parseIds, parseOptions } from './main';

interface CallResult {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are asserted by shape, field by field
  json: any;
  text: string;
  contentType: string | null;
}

const AUTH = { authorization: `Bearer ${DEMO_SECRET}` };

async function call(
  backend: DemoBackend,
  path: string,
  body?: unknown,
  opts: { headers?: Record<string, string>; method?: string; raw?: string; signal?: AbortSignal } = {},
): Promise<CallResult> {
  const method = opts.method ?? (body === undefined && opts.raw === undefined ? 'GET' : 'POST');
  const res = await fetch(`${backend.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...AUTH, ...opts.headers },
    body: opts.raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    signal: opts.signal,
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, contentType: res.headers.get('content-type') };
}

describe(DemoBackend.name, () => {
  let backend: DemoBackend;

  beforeAll(async () => {
    backend = await DemoBackend.start();
  });
  afterAll(async () => {
    await backend.stop();
  });
  afterEach(() => backend.reset());

  describe('auth', () => {
    it('should answer 401 without an Authorization header', async () => {
      const res = await call(backend, BACKEND_PATHS.health, undefined, { headers: { authorization: '' } });
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ error: 'Missing Authorization header' });
    });

    it('should answer 401 when the header is not Bearer', async () => {
      for (const authorization of ['Basic abc', 'Bearer ', `bearer ${DEMO_SECRET}`]) {
        const res = await call(
          backend,
          BACKEND_PATHS.userInfo,
          { discord_id: ALICE.discordId },
          {
            headers: { authorization },
          },
        );
        expect(res.status).toBe(401);
        expect(res.json).toEqual({ error: 'Invalid Authorization format' });
      }
    });

    it('should answer 403 for a wrong secret and do no work', async () => {
      const res = await call(
        backend,
        BACKEND_PATHS.refund,
        { discord_id: ALICE.discordId },
        {
          headers: { authorization: 'Bearer not-the-secret' },
        },
      );
      expect(res.status).toBe(403);
      expect(res.json).toEqual({ error: 'Invalid internal API secret' });
      expect(backend.refunds()).toEqual([]);
    });

    it('should accept a custom secret', async () => {
      const other = await DemoBackend.start({ secret: 's3cret' });
      try {
        expect((await call(other, BACKEND_PATHS.health)).status).toBe(403);
        const res = await call(other, BACKEND_PATHS.health, undefined, { headers: { authorization: 'Bearer s3cret' } });
        expect(res.status).toBe(200);
      } finally {
        await other.stop();
      }
    });

    it('should answer 404 and 405 like FastAPI', async () => {
      expect(await call(backend, '/internal/nope', {})).toMatchObject({ status: 404, json: { detail: 'Not Found' } });
      expect(await call(backend, BACKEND_PATHS.health, {})).toMatchObject({
        status: 405,
        json: { detail: 'Method Not Allowed' },
      });
    });
  });

  describe('GET /internal/health', () => {
    it('should report healthy, or unhealthy when told', async () => {
      expect((await call(backend, BACKEND_PATHS.health)).json).toEqual({
        status: 'healthy',
        service: 'website-backend',
        version: '1.0.0',
      });
      backend.setHealthy(false);
      expect((await call(backend, BACKEND_PATHS.health)).json).toMatchObject({ status: 'unhealthy' });
    });
  });

  describe('POST /internal/user/info', () => {
    it('should return a known user', async () => {
      const res = await call(backend, BACKEND_PATHS.userInfo, { discord_id: ALICE.discordId });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({
        success: true,
        message: 'User found',
        user_found: true,
        discord_id: ALICE.discordId,
        email: 'alice@moddy.example',
        created_at: ALICE.createdAt,
        updated_at: ALICE.updatedAt,
      });
    });

    it('should answer 200 success false for an unknown user', async () => {
      const res = await call(backend, BACKEND_PATHS.userInfo, { discord_id: UNKNOWN_DISCORD_ID });
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ success: false, user_found: false, message: 'User not found' });
    });

    it('should answer 422 in the FastAPI shape for a bad body', async () => {
      const missing = await call(backend, BACKEND_PATHS.userInfo, { discordId: ALICE.discordId });
      expect(missing.status).toBe(422);
      expect(missing.json.detail[0]).toMatchObject({
        type: 'missing',
        loc: ['body', 'discord_id'],
        msg: 'Field required',
      });

      const numeric = await call(backend, BACKEND_PATHS.userInfo, { discord_id: Number(ALICE.discordId) });
      expect(numeric.json.detail[0]).toMatchObject({ type: 'string_type', loc: ['body', 'discord_id'] });

      const short = await call(backend, BACKEND_PATHS.userInfo, { discord_id: '1234' });
      expect(short.json.detail[0]).toMatchObject({ type: 'string_pattern_mismatch' });

      const notJson = await call(backend, BACKEND_PATHS.userInfo, undefined, { raw: '{oops' });
      expect(notJson.status).toBe(422);
      expect(notJson.json.detail[0]).toMatchObject({ type: 'json_invalid', loc: ['body', 0] });
    });
  });

  describe('POST /internal/event/notify', () => {
    it('should receive an event and keep it', async () => {
      const event = { event_type: 'member_joined', discord_id: BOB.discordId, metadata: { guild_id: '1'.repeat(18) } };
      const res = await call(backend, BACKEND_PATHS.eventNotify, event);
      expect(res.json).toEqual({
        success: true,
        message: 'Event member_joined processed successfully',
        event_received: true,
      });
      expect(backend.events()).toEqual([expect.objectContaining(event)]);
    });

    it('should refuse an unknown event type', async () => {
      const res = await call(backend, BACKEND_PATHS.eventNotify, { event_type: 'nope', discord_id: BOB.discordId });
      expect(res.status).toBe(422);
      expect(res.json.detail[0]).toMatchObject({ type: 'enum', loc: ['body', 'event_type'] });
      expect(backend.events()).toEqual([]);
    });
  });

  describe('POST /internal/subscription/info', () => {
    it('should return the subscription of alice, bob and dave', async () => {
      const alice = await call(backend, BACKEND_PATHS.subscriptionInfo, { discord_id: DEMO_USER_IDS.alice });
      expect(alice.json).toEqual({
        success: true,
        message: 'Subscription found',
        has_subscription: true,
        subscription: ALICE.subscription,
      });
      expect(alice.json.subscription).toMatchObject({ subscription_type: 'yearly', amount: 9900, currency: 'eur' });

      const bob = await call(backend, BACKEND_PATHS.subscriptionInfo, { discord_id: DEMO_USER_IDS.bob });
      expect(bob.json.subscription).toMatchObject({ cancel_at_period_end: true, amount: 999, status: 'active' });

      const dave = await call(backend, BACKEND_PATHS.subscriptionInfo, { discord_id: DEMO_USER_IDS.dave });
      expect(dave.json.subscription).toMatchObject({ status: 'past_due' });
    });

    it('should answer has_subscription false for erin, admin and strangers', async () => {
      for (const id of [DEMO_USER_IDS.erin, DEMO_USER_IDS.admin, UNKNOWN_DISCORD_ID]) {
        const res = await call(backend, BACKEND_PATHS.subscriptionInfo, { discord_id: id });
        expect(res.json).toEqual({
          success: true,
          message: 'No active subscription',
          has_subscription: false,
          subscription: null,
        });
      }
    });
  });

  describe('POST /internal/subscription/entitled (contract 1.2, optional)', () => {
    it('should answer 404 unless offered, as a 1.0 backend', async () => {
      expect((await call(backend, BACKEND_PATHS.entitled, { cursor: null })).status).toBe(404);
    });

    it('should page the members with an entitling subscription in id order', async () => {
      backend.entitledList = true;
      try {
        const ids: string[] = [];
        let pages = 0;
        for (let cursor: string | null = null; pages === 0 || cursor !== null; pages++) {
          const page = await call(backend, BACKEND_PATHS.entitled, { cursor, limit: 2 });
          ids.push(...(page.json.discord_ids as string[]));
          cursor = page.json.next_cursor as string | null;
        }
        // alice, bob, carol and frank are active, dave past due; erin and admin have no subscription.
        const entitled = DEMO_USERS.filter(
          (u) => u.subscription && ['active', 'trialing', 'past_due'].includes(u.subscription.status),
        );
        expect(entitled).toHaveLength(5);
        expect(pages).toBe(3);
        expect(ids).toEqual(entitled.map((u) => u.discordId).sort());
        expect((await call(backend, BACKEND_PATHS.entitled, { limit: 0 })).status).toBe(422);
      } finally {
        backend.entitledList = false;
      }
    });
  });

  describe('POST /internal/subscription/invoices', () => {
    it('should return 10 invoices newest first by default', async () => {
      const res = await call(backend, BACKEND_PATHS.invoices, { discord_id: FRANK.discordId });
      expect(res.json.success).toBe(true);
      expect(res.json.message).toBe('Found 10 invoice(s)');
      const created = (res.json.invoices as { created: string }[]).map((i) => Date.parse(i.created));
      expect(created).toEqual([...created].sort((a, b) => b - a));
      expect(res.json.invoices[0]).toEqual({
        invoice_id: 'in_1DemoFrank0030',
        amount: 999,
        currency: 'eur',
        status: 'paid',
        created: '2026-11-15T09:00:00+00:00',
        invoice_pdf: 'https://pay.moddy.example/invoice/in_1DemoFrank0030.pdf',
      });
      expect(Object.keys(res.json.invoices[0] as object)).not.toContain('payment_intent');
    });

    it('should honour limit', async () => {
      const all = await call(backend, BACKEND_PATHS.invoices, { discord_id: FRANK.discordId, limit: 100 });
      expect(all.json.invoices).toHaveLength(30);
      const statuses = new Set((all.json.invoices as { status: string }[]).map((i) => i.status));
      expect([...statuses].sort()).toEqual(['open', 'paid', 'uncollectible', 'void']);
      expect((all.json.invoices as { invoice_pdf: string | null }[]).some((i) => i.invoice_pdf === null)).toBe(true);

      const one = await call(backend, BACKEND_PATHS.invoices, { discord_id: FRANK.discordId, limit: 1 });
      expect(one.json.invoices).toHaveLength(1);
      const bob = await call(backend, BACKEND_PATHS.invoices, { discord_id: BOB.discordId, limit: 25 });
      expect(bob.json.invoices).toHaveLength(6);
    });

    it.each([
      [0, 'greater_than_equal'],
      [101, 'less_than_equal'],
      [2.5, 'int_from_float'],
      ['ten', 'int_parsing'],
      [null, 'int_type'],
    ])('should answer 422 for limit %p', async (limit, type) => {
      const res = await call(backend, BACKEND_PATHS.invoices, { discord_id: FRANK.discordId, limit });
      expect(res.status).toBe(422);
      expect(res.json).toEqual({ detail: [expect.objectContaining({ type, loc: ['body', 'limit'], input: limit })] });
    });

    it('should answer empty lists without customer or invoices', async () => {
      const erin = await call(backend, BACKEND_PATHS.invoices, { discord_id: DEMO_USER_IDS.erin });
      expect(erin.json).toEqual({ success: true, message: 'Found 0 invoice(s)', invoices: [] });
      const stranger = await call(backend, BACKEND_PATHS.invoices, { discord_id: UNKNOWN_DISCORD_ID });
      expect(stranger.json).toEqual({ success: true, message: 'No customer found', invoices: [] });
    });
  });

  describe('POST /internal/subscription/refund', () => {
    const refund = (discordId: string, amount: number | null, headers?: Record<string, string>) =>
      call(backend, BACKEND_PATHS.refund, { discord_id: discordId, amount, reason: 'test' }, { headers });

    it('should refund the last paid invoice fully, once', async () => {
      const res = await refund(ALICE.discordId, null, { 'idempotency-key': 'refund-111' });
      expect(res.json).toEqual({
        success: true,
        message: 'Refund processed successfully',
        refunded: true,
        refund_id: expect.stringMatching(/^re_\w+$/),
        amount_refunded: 9900,
      });
      expect(backend.refunds()).toEqual([
        expect.objectContaining({
          invoice_id: 'in_1DemoAlice0002',
          amount: 9900,
          currency: 'eur',
          reason: 'test',
          idempotencyKey: 'refund-111',
        }),
      ]);
      expect(backend.refundedAmount('in_1DemoAlice0002')).toBe(9900);

      const again = await refund(ALICE.discordId, null);
      expect(again.json).toMatchObject({ success: false, refunded: false, refund_id: null, amount_refunded: null });
      expect(again.json.message).toMatch(/already been refunded/);
    });

    it('should allow partial refunds until the paid amount is used up', async () => {
      const first = await refund(BOB.discordId, 500);
      expect(first.json).toMatchObject({ success: true, refunded: true, amount_refunded: 500 });
      const tooMuch = await refund(BOB.discordId, 500);
      expect(tooMuch.json).toMatchObject({ success: false, refunded: false });
      expect(tooMuch.json.message).toBe('Refund amount (500) is greater than unrefunded amount on charge (499)');
      const rest = await refund(BOB.discordId, null);
      expect(rest.json).toMatchObject({ success: true, amount_refunded: 499 });
      expect(rest.json.refund_id).not.toBe(first.json.refund_id);
      const exhausted = await refund(BOB.discordId, 1);
      expect(exhausted.json).toMatchObject({ success: false, refunded: false });
      expect(backend.refunds().map((r) => r.invoice_id)).toEqual(['in_1DemoBob000006', 'in_1DemoBob000006']);
    });

    it('should not be idempotent: the same key refunds twice', async () => {
      const headers = { 'idempotency-key': 'refund-222' };
      await refund(BOB.discordId, 100, headers);
      await refund(BOB.discordId, 100, headers);
      expect(backend.refunds()).toHaveLength(2);
      expect(backend.requests(BACKEND_PATHS.refund).map((r) => r.idempotencyKey)).toEqual(['refund-222', 'refund-222']);
    });

    it('should skip an open invoice and refund the last paid one', async () => {
      const res = await refund(DEMO_USER_IDS.dave, null);
      expect(res.json).toMatchObject({ success: true, amount_refunded: 999 });
      expect(backend.refunds()[0]?.invoice_id).toBe('in_1DemoDave000002');
    });

    it('should report the business failures of the contract', async () => {
      for (const id of [UNKNOWN_DISCORD_ID, DEMO_USER_IDS.admin]) {
        expect((await refund(id, null)).json).toEqual({
          success: false,
          message: 'No customer found for this Discord ID',
          refunded: false,
          refund_id: null,
          amount_refunded: null,
        });
      }
      expect((await refund(DEMO_USER_IDS.erin, null)).json).toMatchObject({
        success: false,
        message: 'No paid invoice found to refund',
      });
      const noIntent = cloneUser(ALICE);
      noIntent.invoices = noIntent.invoices.map((i) => ({ ...i, payment_intent: null }));
      backend.setUser(noIntent);
      expect((await refund(ALICE.discordId, null)).json.message).toBe('No payment intent found for this invoice');
    });

    it('should answer 422 for an amount below 1', async () => {
      const res = await refund(ALICE.discordId, 0);
      expect(res.status).toBe(422);
      expect(res.json.detail[0]).toMatchObject({ type: 'greater_than_equal', loc: ['body', 'amount'] });
    });
  });

  describe('faults', () => {
    it('should answer a Stripe 500 without refunding', async () => {
      backend.failWith(BACKEND_PATHS.refund, 500, { detail: 'Stripe error: Charge already refunded' });
      const res = await call(backend, BACKEND_PATHS.refund, { discord_id: ALICE.discordId });
      expect(res).toMatchObject({ status: 500, json: { detail: 'Stripe error: Charge already refunded' } });
      expect(backend.refunds()).toEqual([]);
    });

    it('should answer an error after doing the work when told to execute', async () => {
      backend.addFault(BACKEND_PATHS.refund, { status: 500, execute: true, times: 1 });
      const res = await call(backend, BACKEND_PATHS.refund, { discord_id: ALICE.discordId, amount: 100 });
      expect(res.status).toBe(500);
      expect(backend.refundedAmount('in_1DemoAlice0002')).toBe(100);
    });

    it('should fail the next N calls only', async () => {
      backend.failNext(BACKEND_PATHS.subscriptionInfo, 2, 502);
      const body = { discord_id: ALICE.discordId };
      const first = await call(backend, BACKEND_PATHS.subscriptionInfo, body);
      expect(first.status).toBe(502);
      expect(first.json).toMatchObject({ status: 'error', code: 502 });
      expect((await call(backend, BACKEND_PATHS.subscriptionInfo, body)).status).toBe(502);
      expect((await call(backend, BACKEND_PATHS.subscriptionInfo, body)).status).toBe(200);
      expect(backend.faults()).toEqual({});
    });

    it('should force 401 and 403 and apply * to every path', async () => {
      backend.failWith('*', 403, { times: 1 }).failWith(BACKEND_PATHS.health, 401, { times: 1 });
      expect(await call(backend, BACKEND_PATHS.health)).toMatchObject({
        status: 401,
        json: { error: 'Missing Authorization header' },
      });
      expect(await call(backend, BACKEND_PATHS.invoices, { discord_id: FRANK.discordId })).toMatchObject({
        status: 403,
        json: { error: 'Invalid internal API secret' },
      });
      expect((await call(backend, BACKEND_PATHS.health)).status).toBe(200);
    });

    it('should delay the answer but still do the work', async () => {
      backend.delay(BACKEND_PATHS.refund, 300, { times: 1 });
      await expect(
        call(backend, BACKEND_PATHS.refund, { discord_id: ALICE.discordId }, { signal: AbortSignal.timeout(50) }),
      ).rejects.toThrow();
      expect(backend.refunds()).toHaveLength(1);
      const started = Date.now();
      expect((await call(backend, BACKEND_PATHS.health)).status).toBe(200);
      expect(Date.now() - started).toBeLessThan(250);
    });

    it('should answer malformed bodies after doing the work', async () => {
      const body = (amount: number) => ({ discord_id: ALICE.discordId, amount });
      backend
        .malform(BACKEND_PATHS.refund, 'missing-fields', { times: 1 })
        .malform(BACKEND_PATHS.refund, 'wrong-types', { times: 1 })
        .malform(BACKEND_PATHS.refund, 'not-json', { times: 1 })
        .malform(BACKEND_PATHS.refund, 'empty', { times: 1 });
      expect((await call(backend, BACKEND_PATHS.refund, body(100))).json).toEqual({ success: true });
      const wrong = await call(backend, BACKEND_PATHS.refund, body(200));
      expect(wrong.json).toMatchObject({ success: 'true', refunded: 'true', amount_refunded: '200' });
      const html = await call(backend, BACKEND_PATHS.refund, body(300));
      expect(html).toMatchObject({ status: 200, json: undefined, contentType: 'text/html' });
      const empty = await call(backend, BACKEND_PATHS.refund, body(400));
      expect(empty).toMatchObject({ status: 200, text: '' });
      expect(backend.refunds().map((r) => r.amount)).toEqual([100, 200, 300, 400]);
      expect(backend.refundedAmount('in_1DemoAlice0002')).toBe(1000);
    });

    it('should drop the connection', async () => {
      backend.disconnect(BACKEND_PATHS.userInfo, { times: 1 });
      await expect(call(backend, BACKEND_PATHS.userInfo, { discord_id: ALICE.discordId })).rejects.toThrow();
      expect(backend.lastRequest(BACKEND_PATHS.userInfo)?.status).toBeNull();
      expect((await call(backend, BACKEND_PATHS.userInfo, { discord_id: ALICE.discordId })).status).toBe(200);
    });

    it('should be driven through POST /_demo/faults and reset', async () => {
      const set = await call(backend, '/_demo/faults', { path: BACKEND_PATHS.invoices, status: 500, times: 1 });
      expect(set.status).toBe(200);
      expect((await call(backend, BACKEND_PATHS.invoices, { discord_id: FRANK.discordId })).status).toBe(500);
      await call(backend, '/_demo/faults', { path: BACKEND_PATHS.invoices, status: 503 });
      await call(backend, '/_demo/faults', { clear: true });
      expect((await call(backend, BACKEND_PATHS.invoices, { discord_id: FRANK.discordId })).status).toBe(200);
      expect((await call(backend, '/_demo/faults', { path: '/nope', status: 500 })).status).toBe(400);
      const badField = await call(backend, '/_demo/faults', { path: BACKEND_PATHS.health, status: '500' });
      expect(badField).toMatchObject({ status: 400, json: { error: 'fault field "status" must be a number' } });
      expect((await call(backend, '/_demo/faults', { path: BACKEND_PATHS.health, colour: 1 })).status).toBe(400);

      await call(backend, BACKEND_PATHS.refund, { discord_id: ALICE.discordId });
      const refunds = await call(backend, '/_demo/refunds');
      expect(refunds.json).toHaveLength(1);
      expect((await call(backend, `/_demo/requests?path=${BACKEND_PATHS.refund}`)).json).toHaveLength(1);
      await call(backend, '/_demo/reset', {});
      expect(backend.refunds()).toEqual([]);
      expect(backend.requests()).toEqual([]);
    });

    it('should restore fixtures and clear faults on reset', async () => {
      backend.removeUser('alice').failWith(BACKEND_PATHS.health, 500);
      backend.reset();
      expect(backend.user('alice')?.discordId).toBe(DEMO_USER_IDS.alice);
      expect(backend.faults()).toEqual({});
      expect((await call(backend, BACKEND_PATHS.health)).status).toBe(200);
    });
  });

  describe('recording', () => {
    it('should record method, path, headers and exact JSON', async () => {
      await call(
        backend,
        BACKEND_PATHS.invoices,
        { discord_id: FRANK.discordId, limit: 5 },
        {
          headers: { 'x-request-id': 'abc' },
        },
      );
      await call(backend, BACKEND_PATHS.health);
      await call(backend, '/_demo/users');
      expect(backend.requests()).toHaveLength(2);
      const [invoices] = backend.requests(BACKEND_PATHS.invoices);
      expect(invoices).toMatchObject({
        method: 'POST',
        path: '/internal/subscription/invoices',
        body: { discord_id: FRANK.discordId, limit: 5 },
        rawBody: JSON.stringify({ discord_id: FRANK.discordId, limit: 5 }),
        idempotencyKey: null,
        status: 200,
      });
      expect(invoices?.headers).toMatchObject({
        authorization: `Bearer ${DEMO_SECRET}`,
        'content-type': 'application/json',
        'x-request-id': 'abc',
      });
      expect(invoices?.time).toBeInstanceOf(Date);
      expect(backend.lastRequest()?.method).toBe('GET');
    });

    it('should wait for fire-and-forget requests', async () => {
      setTimeout(() => void call(backend, BACKEND_PATHS.health), 20);
      await expect(backend.waitForRequests(BACKEND_PATHS.health, 1, 1000)).resolves.toHaveLength(1);
      await expect(backend.waitForRequests(BACKEND_PATHS.refund, 1, 30)).rejects.toThrow(/0\/1/);
    });
  });

  describe('fixtures and remap', () => {
    it('should ship consistent fixtures', () => {
      expect(DEMO_USERS.map((u) => u.name)).toEqual(['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'admin']);
      for (const user of DEMO_USERS) {
        expect(user.discordId).toMatch(/^[0-9]{18}$/);
        expect(user.createdAt).toMatch(/\+00:00$/);
        if (user.customerId !== null) expect(user.customerId).toMatch(/^cus_/);
        if (user.subscription) expect(user.subscription.subscription_id).toMatch(/^sub_/);
        for (const invoice of user.invoices) {
          expect(invoice.invoice_id).toMatch(/^in_/);
          expect(invoice.currency).toMatch(/^[a-z]{3}$/);
          expect(invoice.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
          expect(Number.isInteger(invoice.amount)).toBe(true);
          if (invoice.invoice_pdf !== null)
            expect(invoice.invoice_pdf).toMatch(/^https:\/\/pay\.moddy\.example\/.+\.pdf$/);
        }
      }
      expect(FRANK.invoices).toHaveLength(30);
      expect(DEMO_USERS.find((u) => u.name === 'carol')?.inGuild).toBe(false);
      expect(DEMO_USERS.find((u) => u.name === 'admin')?.staff).toBe(true);
      expect(Object.isFrozen(ALICE.invoices[0])).toBe(true);
    });

    it('should remap fixture users to given ids', async () => {
      const aliceId = '123456789012345678';
      const other = await DemoBackend.start({ ids: { alice: aliceId } });
      try {
        expect(other.idOf('alice')).toBe(aliceId);
        expect(other.idOf('bob')).toBe(DEMO_USER_IDS.bob);
        const res = await call(other, BACKEND_PATHS.subscriptionInfo, { discord_id: aliceId });
        expect(res.json.subscription).toMatchObject({ amount: 9900 });
        const old = await call(other, BACKEND_PATHS.userInfo, { discord_id: DEMO_USER_IDS.alice });
        expect(old.json.user_found).toBe(false);
        other.reset();
        expect(other.idOf('alice')).toBe(aliceId);
      } finally {
        await other.stop();
      }
    });

    it('should refuse a bad remap', () => {
      expect(() => remapFixtures(defaultFixtures(), { zoe: '123456789012345678' })).toThrow(/no fixture user/);
      expect(() => remapFixtures(defaultFixtures(), { alice: '12' })).toThrow(/snowflake/);
      expect(() => remapFixtures(defaultFixtures(), { alice: DEMO_USER_IDS.bob })).toThrow(/share/);
    });
  });

  describe('main', () => {
    it('should read options from argv and env', () => {
      expect(parseOptions(['--port', '4100', '--secret=x', '--log'], {})).toEqual({
        port: 4100,
        secret: 'x',
        ids: {},
        log: true,
      });
      expect(
        parseOptions([], { DEMO_BACKEND_PORT: '0', INTERNAL_API_SECRET: 'y', DEMO_BACKEND_IDS: 'alice=1,bob=2' }),
      ).toEqual({ port: 0, secret: 'y', ids: { alice: '1', bob: '2' }, log: false });
      expect(parseIds('{"carol":"3"}')).toEqual({ carol: '3' });
      expect(() => parseOptions(['--nope'], {})).toThrow(/unknown argument/);
    });

    it('should print the listening line when run as a process', async () => {
      const tsx = join(__dirname, '..', '..', 'node_modules', '.bin', 'tsx');
      const child = spawn(tsx, [join(__dirname, 'main.ts'), '--secret', 'proc-secret'], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      try {
        const line = await new Promise<string>((resolve, reject) => {
          let out = '';
          child.stdout.on('data', (chunk: Buffer) => {
            out += chunk.toString();
            if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
          });
          child.once('exit', (code) => reject(new Error(`exited with ${String(code)}`)));
        });
        const { listening } = JSON.parse(line) as { listening: string };
        expect(listening).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        const res = await fetch(`${listening}/internal/health`, { headers: { authorization: 'Bearer proc-secret' } });
        expect(res.status).toBe(200);
      } finally {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    });
  });
});
