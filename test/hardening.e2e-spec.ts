import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { DatabaseService } from '../src/storage/database.service';
import { describeEachDatabase } from './support/databases';
import { TEST_SECRET, useHarness, type Harness } from './support/e2e-harness';
import { rawRequest } from './support/raw-http';
import { storeRows } from './support/store-rows';
import { eventually } from './support/wait';

type Detail = { loc: (string | number)[]; type: string };
const locsOf = (body: unknown) => (body as { detail: Detail[] }).detail.map((d) => d.loc);

describeEachDatabase('input the contract refuses, on $name', ({ name: database }) => {
  let h: Harness;
  useHarness((harness) => (h = harness), { database });

  const alice = () => h.sim.userId('alice');
  const invoice = (extra: Record<string, unknown> = {}) => ({
    invoice_id: 'in_hardening_1',
    amount: 9900,
    currency: 'eur',
    status: 'paid',
    created: '2026-11-10T09:00:00Z',
    ...extra,
  });
  const rows = () => storeRows(h.app.get(DatabaseService));

  /** The request is refused with 422 at `loc`, and the store is left exactly as it was. */
  async function expectRefused(route: string, body: unknown, loc: (string | number)[]): Promise<void> {
    const before = await rows();
    const res = await h.call(route, body, { 'idempotency-key': `refused-${Math.random()}` });
    expect(res.status).toBe(422);
    expect(locsOf(res.body)).toContainEqual(loc);
    expect(await rows()).toEqual(before);
  }

  describe('control characters', () => {
    it.each([
      [
        '/internal/notify',
        () => ({ discord_id: alice(), action: 'subscription_created', plan: 'moddy\0max' }),
        ['plan'],
      ],
      [
        '/internal/notify',
        () => ({ discord_id: alice(), action: 'plan_upgraded', metadata: { 'k\0': 1 } }),
        ['metadata', 'k\0'],
      ],
      ['/internal/roles/update', () => ({ discord_id: alice(), plan: 'free\u0007' }), ['plan']],
      ['/internal/subscription/refresh', () => ({ discord_id: `${alice()}\0` }), ['discord_id']],
      [
        '/internal/invoices/notify',
        () => ({ discord_id: alice(), event: 'invoice_paid', invoice: invoice({ invoice_id: 'in\0' }) }),
        ['invoice', 'invoice_id'],
      ],
      [
        '/internal/refunds/notify',
        () => ({ discord_id: alice(), refund_id: 're_1', amount: 100, currency: 'eur', reason: 'a\u001bb' }),
        ['reason'],
      ],
    ])('should refuse them with 422 and store nothing on %s', async (route, body, loc) => {
      await expectRefused(route, body(), ['body', ...loc]);
      expect(await h.sim.dmsTo('alice')).toHaveLength(0);
    });

    it('should take tabs and line breaks in free text', async () => {
      const res = await h.call('/internal/refunds/notify', {
        discord_id: alice(),
        refund_id: 're_multiline',
        amount: 100,
        currency: 'eur',
        reason: 'line one\r\nline two\tend',
      });
      expect(res).toMatchObject({ status: 200, body: { success: true, notification_sent: true } });
    });
  });

  describe('POST /internal/invoices/notify without an invoice', () => {
    it.each([
      ['missing', undefined],
      ['an array', []],
      ['a string', 'in_1'],
    ])('should refuse an invoice that is %s, and still deliver the genuine notice after it', async (name, value) => {
      const body = { discord_id: alice(), event: 'invoice_paid', invoice: value };
      await expectRefused('/internal/invoices/notify', body, ['body', 'invoice']);
      const genuine = await h.call('/internal/invoices/notify', { ...body, invoice: invoice({ invoice_id: name }) });
      expect(genuine).toMatchObject({ status: 200, body: { success: true, notification_sent: true } });
      expect(await h.sim.dmsTo('alice')).toHaveLength(1);
    });
  });

  describe('amounts', () => {
    it.each([
      ['a refund above the bigint range', '/internal/refunds/notify', { amount: 2 ** 63 }, ['amount']],
      ['a refund above 2^53', '/internal/refunds/notify', { amount: 2 ** 53 + 2 }, ['amount']],
      ['a refund of 0', '/internal/refunds/notify', { amount: 0 }, ['amount']],
      [
        'a negative invoice',
        '/internal/invoices/notify',
        { invoice: invoice({ amount: -100000 }) },
        ['invoice', 'amount'],
      ],
      [
        'an invoice above 12 digits',
        '/internal/invoices/notify',
        { invoice: invoice({ amount: 1e12 }) },
        ['invoice', 'amount'],
      ],
      [
        'a metadata amount above 2^53',
        '/internal/notify',
        { metadata: { amount: 2 ** 60, currency: 'eur' } },
        ['metadata'],
      ],
      ['a negative metadata amount', '/internal/notify', { metadata: { amount: -1, currency: 'eur' } }, ['metadata']],
    ])('should refuse %s with 422 and store nothing', async (_name, route, extra, loc) => {
      const base: Record<string, Record<string, unknown>> = {
        '/internal/refunds/notify': { discord_id: alice(), refund_id: 're_big', amount: 100, currency: 'eur' },
        '/internal/invoices/notify': { discord_id: alice(), event: 'invoice_paid', invoice: invoice() },
        '/internal/notify': { discord_id: alice(), action: 'subscription_updated' },
      };
      await expectRefused(route, { ...base[route], ...extra }, ['body', ...loc]);
      expect(await h.sim.dmsTo('alice')).toHaveLength(0);
    });

    it('should take the largest amount and store its audit entry', async () => {
      const res = await h.call('/internal/refunds/notify', {
        discord_id: alice(),
        refund_id: 're_largest',
        amount: 999_999_999_999,
        currency: 'idr',
      });
      expect(res).toMatchObject({ status: 200, body: { notification_sent: true } });
      const audit = await h.app
        .get(DatabaseService)
        .db.selectFrom('refund_audit')
        .select(['amount', 'refund_id'])
        .where('refund_id', '=', 're_largest')
        .execute();
      expect(audit.map((a) => ({ ...a, amount: Number(a.amount) }))).toEqual([
        { amount: 999_999_999_999, refund_id: 're_largest' },
      ]);
    });
  });
});

/** Bodies and answers that cannot be read two ways (issue 22), through real HTTP and raw sockets. */
describe('bodies and answers that cannot be read two ways', () => {
  let h: Harness;
  const lines: Record<string, unknown>[] = [];
  const logs = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  useHarness((harness) => (h = harness), { logDestination: logs, env: { LOG_LEVEL: 'info' } });

  const rows = () => storeRows(h.app.get(DatabaseService));
  const auth = `Authorization: Bearer ${TEST_SECRET}\r\n`;
  const notifyBody = () => JSON.stringify({ discord_id: h.sim.userId('alice'), action: 'subscription_created' });

  it('should refuse a key written twice in one object with 422, and store nothing', async () => {
    const before = await rows();
    const twice = `{"discord_id":"${h.sim.userId('alice')}","action":"subscription_created","plan":"free","plan":"moddy_max"}`;
    const res = await h.call('/internal/notify', twice, { 'idempotency-key': 'twice-1' });
    expect(res).toMatchObject({ status: 422, body: { detail: [{ loc: ['body', 'plan'], type: 'duplicate_key' }] } });
    expect(await rows()).toEqual(before);
    expect(await h.sim.dmsTo('alice')).toHaveLength(0);
  });

  it.each([
    [{ 'content-type': 'application/json; charset=latin1' }, 'Content-Type charset must be utf-8'],
    [{ 'content-type': 'application/json; charset="UTF-16"' }, 'Content-Type charset must be utf-8'],
    [{ 'content-encoding': 'gzip' }, 'Content-Encoding must be identity (compressed bodies are not accepted)'],
  ])('should refuse %j with 415 and do nothing', async (headers, error) => {
    const res = await h.call('/internal/notify', notifyBody(), headers);
    expect(res).toMatchObject({ status: 415, body: { error } });
    expect(await h.sim.dmsTo('alice')).toHaveLength(0);
  });

  it('should accept an explicit utf-8 charset and identity encoding', async () => {
    const headers = { 'content-type': 'application/json; charset=UTF-8', 'content-encoding': 'identity' };
    expect((await h.call('/internal/notify', notifyBody(), headers)).status).toBe(200);
  });

  it('should answer an unknown route in the contract shape', async () => {
    expect(await h.call('/internal/nope', {})).toMatchObject({ status: 404, body: { error: 'Not found' } });
    const open = await fetch(`${h.url}/nope`);
    expect([open.status, await open.json()]).toEqual([404, { error: 'Not found' }]);
  });

  it('should answer HTTP/1.1 without Host, and an unknown Expect, in the contract shape', async () => {
    const noHost = await rawRequest(h.url, `GET /internal/health HTTP/1.1\r\n${auth}Connection: close\r\n\r\n`);
    expect([noHost.status, JSON.parse(noHost.body)]).toEqual([
      400,
      { error: 'HTTP/1.1 requests must carry a Host header' },
    ]);
    const expect417 = await rawRequest(
      h.url,
      `POST /internal/notify HTTP/1.1\r\nHost: x\r\n${auth}Expect: teapot\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
    );
    expect([expect417.status, JSON.parse(expect417.body)]).toEqual([
      417,
      { error: 'Expectation not supported: only Expect: 100-continue is' },
    ]);
  });

  it('should refuse Expect: 100-continue without the secret before any 100 Continue', async () => {
    for (const [authorization, status] of [
      ['', 401],
      ['Authorization: Bearer wrong\r\n', 403],
    ] as const) {
      const answer = await rawRequest(
        h.url,
        `POST /internal/notify HTTP/1.1\r\nHost: x\r\n${authorization}Expect: 100-continue\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n`,
      );
      expect(answer.status).toBe(status);
      expect(answer.body).not.toContain('100 Continue');
    }
    // With the secret, the client is told to go on, and the request is served.
    const granted = await rawRequest(
      h.url,
      `POST /internal/notify HTTP/1.1\r\nHost: x\r\n${auth}Expect: 100-continue\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
    );
    expect(granted.status).toBe(100);
    expect(granted.body).toContain('HTTP/1.1 422');
  });

  it('should log a client that gives up on its body at info, without a stack', async () => {
    const { port } = new URL(h.url);
    const socket = connect(Number(port), '127.0.0.1');
    socket.write(
      `POST /internal/notify HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":`,
    );
    socket.end();
    const aborted = await eventually(
      () => Promise.resolve(lines.find((l) => String(l.message).includes('aborted'))),
      (line) => line !== undefined,
    );
    expect(aborted).toMatchObject({ level: 'info' });
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
  });
});
