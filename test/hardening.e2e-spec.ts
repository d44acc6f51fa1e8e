import { DatabaseService } from '../src/storage/database.service';
import { describeEachDatabase } from './support/databases';
import { useHarness, type Harness } from './support/e2e-harness';
import { storeRows } from './support/store-rows';

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
