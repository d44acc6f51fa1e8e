import type { APIEmbed } from 'discord.js';
import { DeadNotificationAudit } from '../src/dm/dead-notification.audit';
import { DatabaseService } from '../src/storage/database.service';
import { newQueueItem } from '../src/storage/durable-queue';
import type { InteractionView } from '../tools/discord-sim/types';
import { useHarness, type Harness, type HarnessOptions } from './support/e2e-harness';
import { roleSim } from './support/role-world';
import { eventually } from './support/wait';

const embedOf = (v: Pick<InteractionView, 'embeds'>) => v.embeds[0];
const buttonsOf = (v: Pick<InteractionView, 'components'>) =>
  (v.components as { components: { custom_id?: string; label?: string; disabled?: boolean }[] }[]).flatMap(
    (r) => r.components,
  );

describe('the support desk: /admin member and /admin deliveries (issue 13)', () => {
  let h: Harness;
  const options: HarnessOptions = {};
  const id = (name: string) => h.sim.userId(name);
  const db = () => h.app.get(DatabaseService).db;
  const admin = (subcommand: string, opts?: Record<string, string>) =>
    h.sim.slash({ user: 'admin', name: 'admin', subcommand, ...(opts ? { options: opts } : {}) });
  /** A notification the queue gave up on (its eight attempts take minutes; the state is what matters here). */
  const deadNotification = async (name: string, action = 'subscription_updated') => {
    const item = newQueueItem('n', Date.now());
    await db()
      .insertInto('notifications')
      .values({
        ...item,
        state: 'dead',
        attempts: 8,
        last_error: 'transient (503)',
        discord_id: id(name),
        kind: 'subscription',
        action,
        dedup_key: `${id(name)}|${action}|${item.id}`,
        dedup_until: Date.now() + 86_400_000,
        payload: JSON.stringify({ kind: 'subscription', action, plan: null, metadata: {} }),
      })
      .execute();
    return item.id;
  };

  beforeAll(async () => {
    options.sim = await roleSim();
    options.env = { AUDIT_CHANNEL_ID: options.sim.world.channelId };
  });
  useHarness((harness) => (h = harness), options);
  afterEach(async () => {
    for (const table of ['notifications', 'role_changes', 'member_roles', 'refund_audit', 'outbound_events'] as const) {
      await db().deleteFrom(table).execute();
    }
  });
  afterAll(() => options.sim?.stop());

  describe('/admin member', () => {
    it('should show why a paying member lacks the role, and every source in the history', async () => {
      await h.call('/internal/notify', { discord_id: id('frank'), action: 'subscription_created', plan: 'moddy_max' });
      await (await h.sim.slash({ user: 'frank', name: 'subscription' })).waitForFinal();
      await h.call('/internal/refunds/notify', {
        discord_id: id('frank'),
        refund_id: 're_desk_1',
        amount: 500,
        currency: 'eur',
      });
      await h.call('/internal/roles/update', {
        discord_id: id('frank'),
        plan: 'moddy_max',
        add_roles: [h.sim.world.roles.aboveBot],
      }); // refused before anything is stored
      await h.sim.editMemberRoles('frank', { remove: [h.sim.world.roles.premium] });

      const handle = await admin('member', { user: 'frank' });
      const now = await handle.waitForFinal();
      expect(now.ephemeral).toBe(true);
      const fields = Object.fromEntries((embedOf(now).fields ?? []).map((f) => [f.name, f.value]));
      expect(fields.Subscription).toMatch(/🟢 Active/);
      expect(fields['Premium role']).toContain('Expected: Moddy Max');
      expect(fields['Premium role']).toContain('Holds: —');
      expect(fields['Premium role']).toContain('Re-sync roles repairs it');
      expect(fields.Server).toMatch(/^Member since <t:\d+:D>$/);
      expect(buttonsOf(now).map((b) => b.label)).toEqual(['Now', 'History', 'Re-sync roles']);

      await h.call('/internal/roles/update', { discord_id: id('frank'), plan: 'free' });
      const history = await (
        await h.sim.click({ user: 'admin', customId: `member/history/${id('frank')}`, messageOf: handle })
      ).waitForFinal();
      const text = embedOf(history).description ?? '';
      expect(text).toMatch(/📨 `subscription_created` · ✅ sent/);
      expect(text).toMatch(/🎭 backend update · applied/);
      expect(text).toMatch(/💸 €5\.00 · Payment dashboard · Refund issued outside Discord/);
      expect(text).toMatch(/⌨️ `\/subscription` · ok/);
    });

    it('should say when the latest change took the role from a member who is entitled to it', async () => {
      await h.call('/internal/notify', { discord_id: id('frank'), action: 'subscription_created', plan: 'moddy_max' });
      await h.call('/internal/roles/update', { discord_id: id('frank'), plan: 'moddy_max' });
      await h.call('/internal/roles/update', { discord_id: id('frank'), plan: 'free' });
      const now = await (await admin('member', { user: 'frank' })).waitForFinal();
      const role = (embedOf(now).fields ?? []).find((f) => f.name === 'Premium role')?.value ?? '';
      expect(role).toMatch(/Taken away by the latest change \(backend update, <t:\d+:f>\), though they are entitled/);
    });

    it('should re-sync the roles from the screen, and audit it', async () => {
      await h.call('/internal/notify', { discord_id: id('frank'), action: 'subscription_created', plan: 'moddy_max' });
      const handle = await admin('member', { user: 'frank' });
      await handle.waitForFinal();
      const click = await h.sim.click({ user: 'admin', customId: `member/resync/${id('frank')}`, messageOf: handle });
      await click.waitForFinal();
      await eventually(
        () => h.sim.memberRoleNames('frank'),
        (roles) => roles.includes('premium'),
      );
      const audit = await eventually(
        () => h.sim.messages(h.sim.world.channelId),
        (list) => list.some((m) => (m.embeds[0] as APIEmbed | undefined)?.title === 'Staff action'),
      );
      expect(JSON.stringify(audit)).toContain('Re-sync roles');
    });

    it('should send a dead notification again exactly once, however many staff click', async () => {
      const dead = await deadNotification('alice');
      const handle = await admin('member', { user: 'alice' });
      const view = await handle.waitForFinal();
      expect(buttonsOf(view).map((b) => b.custom_id)).toContain(`member/retry/${dead}`);
      const clicks = await Promise.all([
        h.sim.click({ user: 'admin', customId: `member/retry/${dead}`, messageOf: handle }),
        h.sim.click({ user: 'admin', customId: `member/retry/${dead}`, messageOf: handle }),
      ]);
      await Promise.all(clicks.map((c) => c.waitForFinal()));
      await h.sim.waitForDms('alice', 1, 20000);
      const notes = (await Promise.all(clicks.map((c) => c.view()))).flatMap((v) => v.followUps.map((f) => f.content));
      expect(notes.filter((n) => n?.startsWith('Sent again'))).toHaveLength(1);
      expect(notes.filter((n) => n?.startsWith('Nothing to retry'))).toHaveLength(1);
      // the delivery is over once the row is recorded as sent (after its DM); nothing sends it again after that
      await eventually(
        () => db().selectFrom('notifications').select('state').where('id', '=', dead).executeTakeFirst(),
        (row) => row?.state === 'sent',
      );
      expect(await h.sim.dmsTo('alice')).toHaveLength(1);
    });

    it('should stay within Discord limits with a 200-event history, in both languages', async () => {
      for (let i = 0; i < 100; i++) await deadNotification('bob', `subscription_updated_${'x'.repeat(40)}_${i}`);
      for (let i = 0; i < 100; i++) {
        await db()
          .insertInto('role_changes')
          .values({
            id: `r_desk_${i}`,
            guild_id: h.sim.world.guildId,
            discord_id: id('bob'),
            version: i + 1,
            source: 'sweep',
            actor_id: null,
            plan: 'free',
            changes: JSON.stringify({ [h.sim.world.roles.premium]: false }),
            occurred_at: null,
            state: 'failed',
            results: JSON.stringify([
              { role_id: h.sim.world.roles.premium, outcome: 'failed', reason: 'r'.repeat(300) },
            ]),
            created_at: Date.now() - i,
            settled_at: Date.now(),
          })
          .execute();
      }
      for (const locale of ['en-US', 'fr']) {
        const handle = await h.sim.slash({
          user: 'admin',
          name: 'admin',
          subcommand: 'member',
          options: { user: 'bob' },
          locale,
        });
        await handle.waitForFinal();
        const history = await (
          await h.sim.click({ user: 'admin', customId: `member/history/${id('bob')}`, messageOf: handle, locale })
        ).waitForFinal();
        const lines = (embedOf(history).description ?? '').split('\n');
        expect(lines.length).toBe(16); // the heading and the 15 newest
      }
      // The harness refuses any request Discord would (50035) after each test.
    });
  });

  describe('/admin deliveries', () => {
    it('should count by state, page the dead ones, and retry one', async () => {
      await h.call('/internal/notify', { discord_id: id('erin'), action: 'subscription_created', plan: 'moddy_max' });
      const dead: string[] = [];
      for (let i = 0; i < 12; i++) dead.push(await deadNotification('dave', `subscription_updated_${i}`));
      const handle = await admin('deliveries');
      const first = await handle.waitForFinal();
      const text = embedOf(first).description ?? '';
      expect(text).toContain(
        '**Last 24 h:** ✅ sent 1 · 🕒 queued 0 · 📭 DMs closed 0 · ❌ unknown user 0 · ❌ refused 0 · ☠️ given up 12',
      );
      expect(text).toContain('☠️ 12 given up (page 1 of 2):');
      const labels = buttonsOf(first).map((b) => b.label);
      expect(labels.filter((l) => l?.startsWith('Retry'))).toHaveLength(10);
      const second = await (
        await h.sim.click({ user: 'admin', customId: 'deliveries/page/1', messageOf: handle })
      ).waitForFinal();
      expect(embedOf(second).description).toContain('(page 2 of 2)');
      const retryId = buttonsOf(second).find((b) => b.label === 'Retry #11')?.custom_id ?? '';
      await (await h.sim.click({ user: 'admin', customId: retryId, messageOf: handle })).waitForFinal();
      await h.sim.waitForDms('dave', 1, 20000);
      // the DM is at Discord a moment before the bot records the row as sent (it does so on Discord's answer)
      const row = await eventually(
        () =>
          db().selectFrom('notifications').select('state').where('id', '=', retryId.split('/')[2]).executeTakeFirst(),
        (r) => r?.state !== 'pending',
      );
      expect(row?.state).toBe('sent');
    });

    it('should post notifications that die to the audit channel, several in one post', async () => {
      const ids = [await deadNotification('alice'), await deadNotification('bob')];
      const rows = await db().selectFrom('notifications').selectAll().where('id', 'in', ids).execute();
      const audit = h.app.get(DeadNotificationAudit);
      for (const row of rows) audit.record(row);
      const posts = await eventually(
        () => h.sim.messages(h.sim.world.channelId),
        (list) => list.some((m) => m.content.startsWith('☠️')),
      );
      const post = posts.find((m) => m.content.startsWith('☠️'));
      expect(post?.content).toContain('☠️ 2 notification(s) given up after their last attempt:');
      expect(posts.filter((m) => m.content.startsWith('☠️'))).toHaveLength(1);
    });
  });
});
