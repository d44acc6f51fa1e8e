import { Test } from '@nestjs/testing';
import { describeEachDatabase } from '../../test/support/databases';
import { auditOf } from '../../test/support/refund-audit';
import type { DatabaseService } from '../storage/database.service';
import { eventually } from '../../test/support/wait';
import { AppConfig, loadConfig } from '../config/app-config';
import { DiscordRestService } from '../discord/discord-rest.service';
import { RefundAuditTrail } from './refund-audit-trail';
import { RefundTiming } from './refund-timing';
import { RefundsRepository, type RefundAuditEntry } from './refunds.repository';

const MEMBER = '100000000000000002';
const entry: RefundAuditEntry = {
  source: 'notify',
  confirmationId: null,
  adminId: null,
  targetId: MEMBER,
  amount: 500,
  currency: 'eur',
  reason: 'downtime\0 from the dashboard',
  outcome: 'notified',
  refundId: 're_1',
  detail: null,
};

describeEachDatabase('RefundAuditTrail on $name', (database) => {
  let trail: RefundAuditTrail;
  let repository: RefundsRepository;
  let store: DatabaseService;
  let failures: number;
  const posted: unknown[] = [];

  beforeEach(async () => {
    store = await database.create();
    repository = new RefundsRepository(store);
    failures = 0;
    posted.length = 0;
    const failing = Object.create(repository) as RefundsRepository;
    // The store is down for the first `failures` writes.
    failing.audit = (...args) => (failures-- > 0 ? Promise.reject(new Error('store down')) : repository.audit(...args));
    const moduleRef = await Test.createTestingModule({
      providers: [
        RefundAuditTrail,
        { provide: RefundsRepository, useValue: failing },
        { provide: DiscordRestService, useValue: { sendMessage: (_c: string, m: unknown) => posted.push(m) } },
        {
          provide: AppConfig,
          useValue: loadConfig(
            { DISCORD_TOKEN: 't', INTERNAL_API_SECRET: 's'.repeat(32), AUDIT_CHANNEL_ID: '100000000000000009' },
            'v',
          ),
        },
        { provide: RefundTiming, useValue: Object.assign(new RefundTiming(), { auditRetryBaseMs: 5 }) },
      ],
    })
      .setLogger({ log: () => undefined, warn: () => undefined, error: () => undefined })
      .compile();
    trail = moduleRef.get(RefundAuditTrail);
  });
  afterAll(() => database.cleanup());

  it('should store the entry once, without the NUL PostgreSQL refuses, and mark it posted', async () => {
    await trail.record(entry, 'sent');
    const rows = await auditOf(store, MEMBER);
    expect(rows).toEqual([expect.objectContaining({ reason: 'downtime from the dashboard', refund_id: 're_1' })]);
    expect(rows[0].posted_at).not.toBeNull();
    expect(posted).toHaveLength(1);
  });

  it('should retry a write that failed until it is stored, posted in the meantime', async () => {
    failures = 3;
    await trail.record(entry, 'sent');
    expect(trail.pending).toBe(1);
    expect(posted).toHaveLength(1);
    const rows = await eventually(
      () => auditOf(store, MEMBER),
      (r) => r.length === 1,
    );
    expect(rows[0]).toMatchObject({ refund_id: 're_1', outcome: 'notified' });
    expect(rows[0].posted_at).not.toBeNull();
    expect(trail.pending).toBe(0);
  });

  it('should write the same entry once when a retry follows a write whose answer was lost', async () => {
    const id = await repository.audit(entry, 1);
    await repository.audit(entry, 1, id);
    expect(await auditOf(store, MEMBER)).toHaveLength(1);
  });
});
