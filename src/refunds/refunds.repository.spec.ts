import { describeEachDatabase } from '../../test/support/databases';
import { auditOf } from '../../test/support/refund-audit';
import type { DatabaseService } from '../storage/database.service';
import { RefundsRepository, STALE_NOTICE_MS, type NewRefundConfirmation } from './refunds.repository';

const ADMIN = '100000000000000001';
const MEMBER = '100000000000000002';
const NOW = 1_700_000_000_000;

const confirmation = (id: string, extra: Partial<NewRefundConfirmation> = {}): NewRefundConfirmation => ({
  id,
  adminId: ADMIN,
  targetId: MEMBER,
  amount: 500,
  currency: 'eur',
  invoiceId: 'in_1',
  invoiceAmount: 999,
  invoiceCreated: '2026-11-10T09:00:00+00:00',
  reason: 'downtime',
  locale: 'en-US',
  createdAt: NOW,
  expiresAt: NOW + 60_000,
  ...extra,
});

describeEachDatabase('RefundsRepository on $name', (database) => {
  let repository: RefundsRepository;
  let store: DatabaseService;

  beforeEach(async () => {
    store = await database.create();
    repository = new RefundsRepository(store);
  });
  afterAll(() => database.cleanup());

  it('should store a pending confirmation and read it back', async () => {
    await repository.createConfirmation(confirmation('c1', { amount: null, reason: null }));
    expect(await repository.findConfirmation('c1')).toEqual({
      ...confirmation('c1', { amount: null, reason: null }),
      state: 'pending',
      refundId: null,
      amountRefunded: null,
    });
    expect(await repository.findConfirmation('nope')).toBeUndefined();
  });

  // On PostgreSQL the pool runs these on separate connections, as two replicas would.
  it('should give exactly one winner to concurrent claims of the same confirmation', async () => {
    await repository.createConfirmation(confirmation('c2'));
    const claims = await Promise.all(
      Array.from({ length: 10 }, (_, i) => repository.claim('c2', ADMIN, `click-${i}`, NOW + 1)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect((await repository.findConfirmation('c2'))?.state).toBe('sending');
    expect(await repository.claim('c2', ADMIN, 'later', NOW + 2)).toBe(false);
  });

  it('should refuse a claim by someone else, after expiry, or once cancelled', async () => {
    await repository.createConfirmation(confirmation('c3'));
    expect(await repository.claim('c3', MEMBER, 'stranger', NOW + 1)).toBe(false);
    expect(await repository.claim('c3', ADMIN, 'late', NOW + 60_000)).toBe(false);
    expect((await repository.findConfirmation('c3'))?.state).toBe('pending');

    await repository.createConfirmation(confirmation('c4'));
    expect(await repository.close('c4', 'cancelled', NOW + 1)).toBe(true);
    expect(await repository.close('c4', 'expired', NOW + 2)).toBe(false);
    expect(await repository.claim('c4', ADMIN, 'click', NOW + 3)).toBe(false);
    expect((await repository.findConfirmation('c4'))?.state).toBe('cancelled');
  });

  it('should not let a cancel or an expiry undo a claim in progress', async () => {
    await repository.createConfirmation(confirmation('c5'));
    expect(await repository.claim('c5', ADMIN, 'click', NOW + 1)).toBe(true);
    expect(await repository.close('c5', 'cancelled', NOW + 2)).toBe(false);
    await repository.finish('c5', 'refunded', { refundId: 're_1', amountRefunded: 500 }, NOW + 3);
    expect(await repository.findConfirmation('c5')).toMatchObject({
      state: 'refunded',
      refundId: 're_1',
      amountRefunded: 500,
    });
  });

  it('should let one caller tell the member about a refund id, once', async () => {
    const claims = await Promise.all(Array.from({ length: 5 }, () => repository.claimNotice('re_9', MEMBER, NOW)));
    expect(claims.filter((c) => c.kind === 'claimed')).toEqual([{ kind: 'claimed', retry: false }]);
    expect(claims.filter((c) => c.kind === 'duplicate')).toHaveLength(4);
    await repository.finishNotice('re_9', 'sent', NOW + 1);
    expect(await repository.claimNotice('re_9', MEMBER, NOW + 2)).toEqual({ kind: 'duplicate', state: 'sent' });
  });

  it('should let a later call take over a notice that could not reach Discord, or whose owner died', async () => {
    await repository.claimNotice('re_f', MEMBER, NOW);
    await repository.finishNotice('re_f', 'failed', NOW + 1);
    expect(await repository.claimNotice('re_f', MEMBER, NOW + 2)).toEqual({ kind: 'claimed', retry: true });
    expect(await repository.claimNotice('re_f', MEMBER, NOW + 3)).toEqual({ kind: 'duplicate', state: 'sending' });
    expect(await repository.claimNotice('re_f', MEMBER, NOW + 3 + STALE_NOTICE_MS)).toEqual({
      kind: 'claimed',
      retry: true,
    });
  });

  it('should store audit entries and mark them posted', async () => {
    const id = await repository.audit(
      {
        source: 'command',
        confirmationId: 'c1',
        adminId: ADMIN,
        targetId: MEMBER,
        amount: 500,
        currency: 'eur',
        reason: 'downtime',
        outcome: 'refunded',
        refundId: 're_1',
        detail: null,
      },
      NOW,
    );
    await repository.markAuditPosted(id, NOW + 5);
    expect(await auditOf(store, MEMBER)).toEqual([
      expect.objectContaining({ id, outcome: 'refunded', amount: 500, refund_id: 're_1', posted_at: NOW + 5 }),
    ]);
  });
});
