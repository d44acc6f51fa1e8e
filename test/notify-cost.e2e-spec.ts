import type { CompiledQuery } from 'kysely';
import { DatabaseService } from '../src/storage/database.service';
import { useHarness, type Harness } from './support/e2e-harness';

/**
 * What an accepted notification costs the database on its common path (issue 12): at most three statements,
 * the premium state, the store with its de-duplication, and the settle. Counted at Kysely's executor, which
 * every query of the service goes through.
 */
describe('the cost of an accepted notification (real HTTP, SQL statements counted)', () => {
  let h: Harness;
  useHarness((harness) => (h = harness));

  /** The statements run while `call` is served, as their first words and table. */
  async function statementsOf(call: () => Promise<unknown>): Promise<string[]> {
    const executor = h.app.get(DatabaseService).db.getExecutor();
    const original = executor.executeQuery.bind(executor);
    const seen: string[] = [];
    const spy = jest.spyOn(executor, 'executeQuery').mockImplementation((query: CompiledQuery) => {
      const words = query.sql.replace(/["`]/g, '').replace(/\s+/g, ' ').trim().split(' ');
      const table = words.find((_, i) => ['into', 'from', 'update'].includes(words[i - 1]?.toLowerCase() ?? ''));
      seen.push(`${words[0].toLowerCase()} ${table ?? '?'}`);
      return original(query);
    });
    try {
      await call();
    } finally {
      spy.mockRestore();
    }
    return seen;
  }

  /** A member DMed before (the common case: their DM channel is kept with them since the first DM). */
  const dmedBefore = async (name: string) => {
    const res = await h.call('/internal/notify', {
      discord_id: h.sim.userId(name),
      action: 'subscription_updated',
      metadata: { subscription_id: `sub_first_${name}` },
    });
    expect(res.body).toMatchObject({ notification_sent: true });
  };

  it('should store, record the premium state and settle a delivered subscription DM in three statements', async () => {
    await dmedBefore('alice');
    const statements = await statementsOf(async () => {
      const res = await h.call('/internal/notify', {
        discord_id: h.sim.userId('alice'),
        action: 'subscription_created',
        plan: 'moddy_max',
        metadata: { subscription_id: 'sub_cost' },
      });
      expect(res.body).toMatchObject({ success: true, notification_sent: true });
    });
    expect(statements).toEqual(['insert member_profiles', 'insert notifications', 'update notifications']);
  });

  it('should store and settle a delivered invoice DM in three statements (the language read once)', async () => {
    await dmedBefore('bob');
    const statements = await statementsOf(async () => {
      const res = await h.call('/internal/invoices/notify', {
        discord_id: h.sim.userId('bob'),
        event: 'invoice_paid',
        invoice: {
          invoice_id: 'in_cost',
          amount: 999,
          currency: 'eur',
          status: 'paid',
          created: '2026-01-01T00:00:00Z',
        },
      });
      expect(res.body).toMatchObject({ success: true, notification_sent: true });
    });
    expect(statements).toEqual(['select member_profiles', 'insert notifications', 'update notifications']);
  });

  it("should keep a member's DM channel with their first DM, in one statement more", async () => {
    const statements = await statementsOf(async () => {
      const res = await h.call('/internal/notify', {
        discord_id: h.sim.userId('dave'),
        action: 'subscription_updated',
        metadata: { subscription_id: 'sub_first_channel' },
      });
      expect(res.body).toMatchObject({ notification_sent: true });
    });
    expect(statements).toEqual([
      'select member_profiles',
      'insert notifications',
      'insert member_profiles',
      'update notifications',
    ]);
  });

  it('should answer a duplicate from the store alone, with no DM attempted', async () => {
    const body = {
      discord_id: h.sim.userId('alice'),
      action: 'subscription_updated',
      metadata: { subscription_id: 'sub_cost_dup' },
    };
    await h.call('/internal/notify', body);
    const statements = await statementsOf(async () => {
      const res = await h.call('/internal/notify', body);
      expect(res.body).toMatchObject({ success: true, notification_sent: true });
    });
    expect(statements).toEqual(['select member_profiles', 'insert notifications', 'select notifications']);
  });

  it('should write a DM the worker delivers in the member’s language (read for its whole batch)', async () => {
    await (await h.sim.slash({ user: 'dave', name: 'subscription', locale: 'fr' })).waitForFinal();
    await h.sim.setFaults({ http5xx: [{ route: 'POST /channels/*/messages', status: 503, count: 4 }] });
    const res = await h.call('/internal/notify', {
      discord_id: h.sim.userId('dave'),
      action: 'subscription_cancelled',
      metadata: { subscription_id: 'sub_cost_worker' },
    });
    expect(res.body).toMatchObject({ queued: true });
    const [dm] = await h.sim.waitForDms('dave', 1, 20000);
    expect(dm.embeds[0].title).toBe('Votre abonnement a été résilié');
  }, 30000);
});
