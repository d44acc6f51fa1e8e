import { Test } from '@nestjs/testing';
import { describeEachDatabase } from '../../test/support/databases';
import { Notifications } from '../dm/notifications.repository';
import { EventsClient } from '../events/events.client';
import { OutboundEvents } from '../events/outbound-events';
import { RefundsRepository } from '../refunds/refunds.repository';
import { RoleLedger } from '../role-truth';
import { DatabaseService } from '../storage/database.service';
import { MemberHistory } from './member-history';

const MEMBER = '100000000000000002';
const OTHER = '100000000000000003';
const GUILD = '100000000000000009';
const ROLE = '100000000000000010';

/**
 * The support desk's history, built from the owners of the four tables it shows (no SQL of its own): a module
 * of just those providers over a real store, without the app, Discord or the simulator.
 */
describeEachDatabase('MemberHistory on $name', (database) => {
  const setup = async () => {
    const store = await database.create();
    const moduleRef = await Test.createTestingModule({
      providers: [
        MemberHistory,
        Notifications,
        RoleLedger,
        RefundsRepository,
        OutboundEvents,
        { provide: DatabaseService, useValue: store },
        // Never called: the events' worker is not started (no app lifecycle here).
        { provide: EventsClient, useValue: {} },
      ],
    }).compile();
    return { history: moduleRef.get(MemberHistory), get: moduleRef.get.bind(moduleRef) };
  };
  afterAll(() => database.cleanup());

  it("should merge the member's notifications, role changes, refunds and commands, newest first", async () => {
    const { history, get } = await setup();
    const notifications = get(Notifications);
    const at = (n: number) => ({ now: 1_700_000_000_000 + n * 1000 });
    await notifications.queue.enqueue(
      {
        kind: 'subscription',
        discordId: MEMBER,
        payload: { action: 'subscription_updated', plan: 'moddy_pro', metadata: {} },
        dedupKey: 'k1',
      },
      at(1),
    );
    await notifications.queue.enqueue(
      {
        kind: 'subscription',
        discordId: OTHER,
        payload: { action: 'subscription_updated', plan: null, metadata: {} },
        dedupKey: 'k2',
      },
      at(2),
    );
    await get(RoleLedger).submit(
      { guildId: GUILD, discordId: MEMBER, changes: new Map([[ROLE, true]]), source: 'backend', plan: 'moddy_pro' },
      1_700_000_000_000 + 3000,
    );
    await get(RefundsRepository).audit(
      {
        source: 'notify',
        confirmationId: null,
        adminId: null,
        targetId: MEMBER,
        amount: 500,
        currency: 'eur',
        reason: null,
        outcome: 'notified',
        refundId: 're_1',
        detail: null,
      },
      1_700_000_000_000 + 4000,
    );
    await get(OutboundEvents).queue.enqueue(
      { kind: 'command_used', discordId: MEMBER, payload: { command: 'subscription', success: true } },
      at(5),
    );

    const items = await history.of(MEMBER);
    expect(items.map((i) => i.source)).toEqual(['command', 'refund', 'role', 'notification']);
    expect(items[0]).toEqual({ source: 'command', at: 1_700_000_005_000, command: 'subscription', success: true });
    expect(items[1]).toMatchObject({ source: 'refund', amount: 500, currency: 'eur', outcome: 'notified' });
    expect(items[2]).toMatchObject({ source: 'role', origin: 'backend', state: 'pending' });
    expect(items[3]).toMatchObject({ source: 'notification', action: 'subscription_updated', state: 'pending' });
    expect(await history.of(MEMBER, 2)).toEqual(items.slice(0, 2));
  });

  it('should offer the newest notification staff may send again, and none while all are delivered or queued', async () => {
    const { history, get } = await setup();
    const queue = get(Notifications).queue;
    const stored = await queue.enqueue(
      {
        kind: 'subscription',
        discordId: MEMBER,
        payload: { action: 'subscription_updated', plan: null, metadata: {} },
        dedupKey: 'a',
      },
      { claimFor: 'w' },
    );
    expect(await history.retryable(MEMBER)).toBeUndefined();
    await queue.finish(stored.row.id, 'w', 'dm_closed');
    expect(await history.retryable(MEMBER)).toEqual({ id: stored.row.id, action: 'subscription_updated' });
  });
});
