import { MemberProfiles } from '../src/members/member-profiles.service';
import { MemberDms } from '../src/dm/member-dms.service';
import { OutboundEvents } from '../src/events/outbound-events';
import { DatabaseService } from '../src/storage/database.service';
import { useHarness, type Harness } from './support/e2e-harness';
import { eventually } from './support/wait';

const EVENTS = '/internal/event/notify';

describe('nothing lost, nothing twice (issue 6)', () => {
  let h: Harness;
  const id = (name: string) => h.sim.userId(name);
  const notify = (
    name: string,
    action: string,
    extra: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ) => h.call('/internal/notify', { discord_id: id(name), action, ...extra }, headers);
  const titles = async (name: string) => (await h.sim.dmsTo(name)).map((m) => m.embeds[0].title);
  const events = (type: string) =>
    h.backend.requests(EVENTS).filter((r) => (r.body as { event_type?: string }).event_type === type);
  /** The delivery of `name`'s latest notification is over: the row is recorded as sent (after its DM), and every
   * request Discord got has been answered (an attempt held back by latency too). Nothing sends it again after that. */
  const delivered = async (name: string) => {
    await eventually(
      () => h.app.get(MemberDms).recent(id(name), 1),
      ([row]) => row?.state === 'sent',
      20000,
    );
    await h.sim.waitForIdle(20000);
  };
  /** `name`'s pending role changes are settled since their join (member_roles idle, every intent applied). */
  const joinSettled = (name: string) =>
    eventually(
      () =>
        h.app
          .get(DatabaseService)
          .db.selectFrom('member_roles')
          .selectAll()
          .where('discord_id', '=', id(name))
          .executeTakeFirst(),
      (row) => row?.state === 'idle' && row.joins >= 1 && row.applied_version === row.version,
    );
  let seq = 0;
  /** A subscription id of its own per test, so the 24 h de-duplication does not join unrelated tests. */
  const sub = () => ({ metadata: { subscription_id: `sub_dur_${++seq}` } });

  useHarness((harness) => (h = harness));

  describe('notifications', () => {
    it('should DM once for the same event sent twice, and answer the repeat as a duplicate', async () => {
      const body = sub();
      const first = await notify('alice', 'subscription_updated', body);
      const second = await notify('alice', 'subscription_updated', body, { 'idempotency-key': 'other-key' });
      expect(first.body).toMatchObject({ success: true, notification_sent: true });
      expect(second.body).toMatchObject({
        success: true,
        notification_sent: true,
        message: expect.stringContaining('Duplicate'),
      });
      expect(await titles('alice')).toEqual(['Your subscription was updated']);
    });

    it('should answer a duplicate of a notification being delivered as in progress, and DM once', async () => {
      await h.sim.setFaults({ routeLatency: [{ route: 'POST /channels/*/messages', ms: 1000 }] });
      const body = sub();
      const first = notify('alice', 'subscription_updated', body);
      // Stored, and its first attempt under way (held back by the latency).
      await eventually(
        () => h.app.get(MemberDms).recent(id('alice'), 1),
        ([row]) => row?.dedup_key.endsWith(body.metadata.subscription_id) === true,
      );
      const second = await notify('alice', 'subscription_updated', body);
      expect(second.body).toEqual({
        success: true,
        message: expect.stringContaining('in progress'),
        notification_sent: false,
      });
      expect((await first).body).toMatchObject({ success: true, notification_sent: true });
      expect(await h.sim.dmsTo('alice')).toHaveLength(1);
    });

    it('should DM again for another subscription or another action', async () => {
      await notify('alice', 'subscription_updated', sub());
      await notify('alice', 'subscription_updated', sub());
      await notify('alice', 'plan_upgraded', { plan: 'moddy_max', ...sub() });
      expect(await h.sim.dmsTo('alice')).toHaveLength(3);
    });

    it('should queue when Discord fails, answer in time, and deliver later exactly once', async () => {
      await h.sim.setFaults({ http5xx: [{ route: 'POST /channels/*/messages', status: 503, count: 8 }] });
      const started = Date.now();
      const res = await notify('bob', 'subscription_updated', sub());
      expect(Date.now() - started).toBeLessThan(5000);
      expect(res.body).toEqual({
        success: true,
        message: expect.stringContaining('queued'),
        notification_sent: false,
        queued: true,
      });
      const dms = await h.sim.waitForDms('bob', 1, 20000);
      expect(dms).toHaveLength(1);
      await delivered('bob');
      expect(await h.sim.dmsTo('bob')).toHaveLength(1);
    }, 30000);

    it('should answer within 5 s when Discord is slower than the budget, and still DM once', async () => {
      await h.sim.setFaults({ routeLatency: [{ route: 'POST /channels/*/messages', ms: 4500 }] });
      const started = Date.now();
      const res = await notify('erin', 'subscription_updated', sub());
      expect(Date.now() - started).toBeLessThan(5000);
      expect(res.body).toMatchObject({ queued: true, notification_sent: false });
      await h.sim.setFaults({ routeLatency: [] });
      await h.sim.waitForDms('erin', 1, 20000);
      await delivered('erin');
      expect(await h.sim.dmsTo('erin')).toHaveLength(1);
    }, 40000);

    it('should show the queue depth and the oldest waiting age in the metrics', async () => {
      await h.sim.setFaults({ http5xx: [{ route: 'POST /channels/*/messages', status: 503, count: 100 }] });
      expect((await notify('dave', 'subscription_updated', sub())).body).toMatchObject({ queued: true });
      const text = await (await fetch(`${h.url}/metrics`)).text();
      expect(text).toMatch(/^moddy_queue_depth [1-9]\d*$/m);
      expect(text).toMatch(/^moddy_queue_oldest_age_seconds \d/m);
      await h.sim.setFaults({ http5xx: [] });
      await h.sim.waitForDms('dave', 1, 20000);
    }, 30000);

    it('should write DMs in the language the member last used with the bot', async () => {
      await (await h.sim.slash({ user: 'dave', name: 'subscription', locale: 'fr' })).waitForFinal();
      await notify('dave', 'subscription_cancelled', sub());
      expect(await titles('dave')).toEqual(['Votre abonnement a été résilié']);
    });

    it('should keep what could not be DMed readable in /notifications, marked', async () => {
      await h.sim.setFaults({ dmClosed: ['alice'] });
      const res = await notify('alice', 'plan_upgraded', { plan: 'moddy_max', ...sub() });
      expect(res.body).toMatchObject({ success: true, notification_sent: false, message: 'User found but DM failed' });
      await h.call('/internal/invoices/notify', {
        discord_id: id('alice'),
        event: 'invoice_paid',
        invoice: {
          invoice_id: `in_dur_${++seq}`,
          amount: 9900,
          currency: 'eur',
          status: 'paid',
          created: '2026-11-01T00:00:00+00:00',
        },
      });
      const view = await (await h.sim.slash({ user: 'alice', name: 'notifications' })).waitForFinal();
      expect(view.ephemeral).toBe(true);
      const embed = view.embeds[0];
      expect(embed.description).toContain('DMs are closed');
      expect(embed.fields?.map((f) => f.name).slice(0, 2)).toEqual([
        'Payment received',
        'Your plan was upgraded to Moddy Max',
      ]);
      expect(embed.fields?.[1].value).toContain('📭 Not delivered: your DMs are closed');
    });

    it('should send one invoice DM per invoice and status, with the PDF as a link button', async () => {
      const invoice = {
        invoice_id: `in_dur_${++seq}`,
        amount: 999,
        currency: 'eur',
        status: 'paid',
        created: '2026-11-01T00:00:00+00:00',
        invoice_pdf: 'https://pay.moddy.example/invoice/x.pdf',
      };
      const body = { discord_id: id('bob'), event: 'invoice_paid', invoice };
      expect((await h.call('/internal/invoices/notify', body)).body).toMatchObject({ notification_sent: true });
      await h.call('/internal/invoices/notify', body);
      await h.call('/internal/invoices/notify', { ...body, event: 'payment_failed' });
      const dms = await h.sim.dmsTo('bob');
      expect(dms.map((m) => m.embeds[0].title)).toEqual(['Payment received', 'Payment failed']);
      expect(JSON.stringify(dms[0].components)).toContain('https://pay.moddy.example/invoice/x.pdf');
      expect(JSON.stringify(dms[1].components)).toContain('https://moddy.example/billing');
    });

    it('should record the premium state each event implies', async () => {
      const profiles = h.app.get(MemberProfiles);
      await notify('erin', 'subscription_created', { plan: 'moddy_max', ...sub() });
      expect(await profiles.premiumOf(id('erin'))).toBe(true);
      await notify('erin', 'subscription_updated', sub());
      expect(await profiles.premiumOf(id('erin'))).toBe(true);
      await notify('erin', 'plan_downgraded', { plan: 'free', ...sub() });
      expect(await profiles.premiumOf(id('erin'))).toBe(false);
      await notify('erin', 'plan_upgraded', { plan: 'moddy_max', ...sub() });
      await notify('erin', 'subscription_cancelled', sub());
      expect(await profiles.premiumOf(id('erin'))).toBe(false);
    });
  });

  describe('roles', () => {
    it('should keep a change for a member not in the guild and apply the latest one when they join', async () => {
      const first = await h.call('/internal/roles/update', { discord_id: id('carol'), plan: 'moddy_max' });
      expect(first.body).toMatchObject({ success: false, roles_updated: false, pending: true });
      await h.call('/internal/roles/update', {
        discord_id: id('carol'),
        plan: 'moddy_max',
        add_roles: [h.sim.world.roles.premium],
      });
      await h.sim.memberJoin(h.sim.world.guildId, 'carol');
      await eventually(
        () => h.sim.memberRoleNames('carol'),
        (r) => r.includes('premium'),
      );
      await eventually(
        () => events('member_joined'),
        (e) => e.length === 1,
      );
      expect(events('member_joined')[0].body).toMatchObject({
        discord_id: id('carol'),
        metadata: { guild_id: h.sim.world.guildId },
      });
    });

    it('should let the latest pending change win', async () => {
      await h.call('/internal/roles/update', { discord_id: id('carol'), plan: 'moddy_max' });
      await h.call('/internal/roles/update', { discord_id: id('carol'), plan: 'free' });
      await h.sim.memberJoin(h.sim.world.guildId, 'carol');
      await eventually(
        () => events('member_joined'),
        (e) => e.length === 1,
      );
      await joinSettled('carol');
      expect(await h.sim.memberRoleNames('carol')).not.toContain('premium');
      expect(await h.sim.requests({ route: 'PUT /guilds/*/members/*/roles/*' })).toHaveLength(0);
    });

    it('should forget a pending change after 90 days', async () => {
      const stored = await h.call('/internal/roles/update', { discord_id: id('carol'), plan: 'moddy_max' });
      expect(stored.body).toMatchObject({ pending: true });
      // The 90 days of waiting are over.
      await h.app
        .get(DatabaseService)
        .db.updateTable('member_roles')
        .set({ expires_at: Date.now() - 1 })
        .where('discord_id', '=', id('carol'))
        .execute();
      await h.sim.memberJoin(h.sim.world.guildId, 'carol');
      await eventually(
        () => events('member_joined'),
        (e) => e.length === 1,
      );
      await joinSettled('carol');
      expect(await h.sim.memberRoleNames('carol')).not.toContain('premium');
    });

    it('should report role changes and member departures to the backend', async () => {
      await h.call('/internal/roles/update', { discord_id: id('alice'), plan: 'moddy_max' });
      await eventually(
        () => events('role_updated'),
        (e) => e.length === 1,
      );
      expect(events('role_updated')[0].body).toMatchObject({
        event_type: 'role_updated',
        discord_id: id('alice'),
        metadata: { guild_id: h.sim.world.guildId, added: [h.sim.world.roles.premium], removed: [] },
      });
      await h.sim.memberLeave(h.sim.world.guildId, 'dave');
      await eventually(
        () => events('member_left'),
        (e) => e.length === 1,
      );
    });

    it('should deliver events later when the backend is down, without slowing anything', async () => {
      // Earlier tests' events must be out of the queue, so the one failure below hits this test's event.
      const queue = h.app.get(OutboundEvents).queue;
      await eventually(
        () => queue.stats(),
        (s) => s.depth === 0,
        20000,
      );
      h.backend.reset();
      h.backend.failWith(EVENTS, 503, { times: 1 });
      const started = Date.now();
      const res = await h.call('/internal/roles/update', { discord_id: id('alice'), plan: 'moddy_max' });
      expect(res.body).toMatchObject({ success: true });
      expect(Date.now() - started).toBeLessThan(2000);
      const calls = await eventually(
        () => events('role_updated'),
        (e) => e.length === 2,
        20000,
      );
      expect(calls.map((c) => c.status)).toEqual([503, 200]);
    }, 30000);

    it('should report each slash command as command_used, and never wait for the backend to do so', async () => {
      h.backend.delay(EVENTS, 15000, { times: 1 });
      const started = Date.now();
      const view = await (await h.sim.slash({ user: 'alice', name: 'subscription' })).waitForFinal();
      expect(view.embeds).toHaveLength(1);
      expect(Date.now() - started).toBeLessThan(3000);
      // The event reached a backend that hangs; the command was answered all the same, and the event is
      // sent again once that attempt times out.
      await eventually(
        () => events('command_used'),
        (e) => e.length >= 1,
      );
      const used = await eventually(
        () => events('command_used'),
        (e) => e.some((r) => r.status === 200),
        40000,
      );
      expect(used.find((r) => r.status === 200)?.body).toMatchObject({
        event_type: 'command_used',
        discord_id: id('alice'),
        metadata: {
          command: 'subscription',
          success: true,
          latency_ms: expect.any(Number),
          guild_id: h.sim.world.guildId,
        },
      });
    }, 60000);

    it('should sync roles from the subscription with /admin roles sync', async () => {
      await h.call('/internal/roles/update', { discord_id: id('erin'), plan: 'moddy_max' });
      const handle = await h.sim.slash({
        user: 'admin',
        name: 'admin',
        group: 'roles',
        subcommand: 'sync',
        options: { user: 'erin' },
      });
      const view = await handle.waitForFinal();
      expect(view.ephemeral).toBe(true);
      const embed = view.embeds[0];
      expect(embed.description).toContain('Roles synced with the subscription (Free)');
      expect(embed.description).toContain(`<@&${h.sim.world.roles.premium}> ➖ removed`);
      expect(await h.sim.memberRoleNames('erin')).not.toContain('premium');

      const again = await (
        await h.sim.slash({
          user: 'admin',
          name: 'admin',
          group: 'roles',
          subcommand: 'sync',
          options: { user: 'alice' },
        })
      ).waitForFinal();
      expect(again.embeds[0].description).toContain('(Moddy Max)');
      expect(await h.sim.memberRoleNames('alice')).toContain('premium');
    });

    it('should sync roles on POST /internal/subscription/refresh and report premium', async () => {
      const res = await h.call('/internal/subscription/refresh', { discord_id: id('alice') });
      expect(res.body).toMatchObject({ success: true, premium: true });
      expect(await h.sim.memberRoleNames('alice')).toContain('premium');
      const none = await h.call('/internal/subscription/refresh', { discord_id: id('erin') });
      expect(none.body).toMatchObject({ success: true, premium: false });
    });
  });
});
