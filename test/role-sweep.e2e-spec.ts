import { PremiumService } from '../src/roles/premium.service';
import { RoleLedger } from '../src/role-truth/role-ledger';
import { RoleSweeper } from '../src/role-truth/role-sweep.service';
import { DatabaseService } from '../src/storage/database.service';
import type { InteractionView, SimMessage } from '../tools/discord-sim/types';
import { useHarness, type Harness, type HarnessOptions } from './support/e2e-harness';
import { roleSim } from './support/role-world';
import { eventually } from './support/wait';

const embedOf = (v: Pick<InteractionView, 'embeds'> | SimMessage) => v.embeds[0];
const buttonIds = (m: SimMessage) =>
  (m.components as { components: { custom_id?: string; label?: string }[] }[]).flatMap((row) =>
    row.components.map((c) => c.custom_id),
  );

describe('drift found and repaired: the sweep, its brake, staff grants (issue 10)', () => {
  let h: Harness;
  const options: HarnessOptions = {};
  const id = (name: string) => h.sim.userId(name);
  const premium = () => h.sim.world.roles.premium;
  const auditChannel = () => h.sim.world.channelId;
  const hasPremium = async (name: string) => (await h.sim.memberRoleNames(name)).includes('premium');
  const giveByHand = (...names: string[]) =>
    Promise.all(names.map((name) => h.sim.editMemberRoles(name, { add: [premium()] })));
  const admin = (subcommand: string, group: string, opts?: Record<string, string>) =>
    h.sim.slash({ user: 'admin', name: 'admin', group, subcommand, ...(opts ? { options: opts } : {}) });
  const roleWrites = async () =>
    (await h.sim.requests({ route: 'PUT /guilds/*/members/*/roles/*' })).length +
    (await h.sim.requests({ route: 'DELETE /guilds/*/members/*/roles/*' })).length;
  /** The sweep's outcome, once the converger has applied it. */
  const sweepNow = async () => {
    const sweeper = h.app.get(RoleSweeper);
    const { sweep } = await sweeper.request('staff', h.sim.userId('admin'));
    return eventually(
      () => sweeper.sweep(sweep.id),
      (s) => s?.state === 'done' || s?.state === 'held',
      30000,
      100,
    );
  };
  const brakePost = () =>
    eventually(
      () => h.sim.messages(auditChannel()),
      (list) => list.some((m) => embedOf(m)?.title?.startsWith('Role sweep')),
    ).then((list) => list.filter((m) => embedOf(m)?.title?.startsWith('Role sweep')).at(-1) as SimMessage);
  const frankLike = (name: string) => {
    const frank = h.backend.user('frank');
    if (!frank) throw new Error('the demo backend has no frank');
    h.backend.setUser({ ...frank, name, discordId: id(name) });
  };

  beforeAll(async () => {
    options.sim = await roleSim();
    options.env = {
      AUDIT_CHANNEL_ID: options.sim.world.channelId,
      ROLE_SYNC_MAX_REMOVALS: '3',
      ROLE_SYNC_BACKEND_RPS: '100',
      ROLE_SYNC_INTERVAL_HOURS: '0',
    };
  });
  useHarness((harness) => (h = harness), options);
  afterEach(async () => {
    // Each test starts from a clean ledger and no sweep: the simulator and the backend are reset by the harness.
    const db = h.app.get(DatabaseService).db;
    for (const table of ['role_sweeps', 'member_roles', 'role_changes', 'premium_grants', 'member_profiles'] as const) {
      await db.deleteFrom(table).execute();
    }
  });
  afterAll(() => options.sim?.stop());

  describe('the sweep', () => {
    it('should remove a plan role given by hand and add one a payer lacks, within the brake', async () => {
      await giveByHand('erin', 'm0');
      // frank pays; the bot was told (premium state) but the role never arrived. alice (active) and dave
      // (past due) pay too, and the service was never told anything about them.
      await h.call('/internal/notify', { discord_id: id('frank'), action: 'subscription_created', plan: 'moddy_max' });
      const sweep = await sweepNow();
      expect(sweep?.state).toBe('done');
      expect(JSON.parse(sweep?.summary ?? '{}')).toMatchObject({
        scope: 'all',
        checked: 26, // every member of the server but the bot
        added: 3,
        removed: 2,
        heldBack: 0,
      });
      expect(await hasPremium('erin')).toBe(false);
      expect(await hasPremium('m0')).toBe(false);
      for (const name of ['frank', 'alice', 'dave']) expect([name, await hasPremium(name)]).toEqual([name, true]);
      // bob pays and holds the role: left alone.
      expect(await hasPremium('bob')).toBe(true);
    });

    it('should skip members whose truth cannot be read, and strip nobody', async () => {
      await giveByHand('erin', 'm0');
      h.backend.failWith('/internal/subscription/info', 500, { times: 1000 });
      const sweep = await sweepNow();
      expect(JSON.parse(sweep?.summary ?? '{}')).toMatchObject({
        checked: 0,
        removed: 0,
        skipped: { backend_error: 26 },
      });
      expect(await hasPremium('erin')).toBe(true);
      expect(await hasPremium('bob')).toBe(true);
      expect(await roleWrites()).toBe(0);
    });

    it('should skip a member who left the server', async () => {
      await h.call('/internal/notify', { discord_id: id('carol'), action: 'subscription_created', plan: 'moddy_max' });
      const sweep = await sweepNow();
      expect(JSON.parse(sweep?.summary ?? '{}')).toMatchObject({ skipped: { left: 1 } });
    });

    it('should keep one open sweep: asking again while one is open gives that one', async () => {
      const sweeper = h.app.get(RoleSweeper);
      const first = await sweeper.request('staff', null);
      const second = await sweeper.request('schedule', null);
      expect(first.created).toBe(true);
      expect(second).toMatchObject({ created: false, sweep: { id: first.sweep.id } });
      await eventually(
        async () => (await sweeper.sweep(first.sweep.id))?.state,
        (state) => state === 'done',
      );
      expect((await sweeper.request('staff', null)).created).toBe(true);
    });
  });

  describe('the safety brake', () => {
    it('should hold more than ROLE_SYNC_MAX_REMOVALS removals, post them, and apply them once on a staff click', async () => {
      await giveByHand('erin', 'm0', 'm1', 'm2', 'm3');
      await h.call('/internal/notify', { discord_id: id('frank'), action: 'subscription_created', plan: 'moddy_max' });
      const sweep = await sweepNow();
      expect(sweep?.state).toBe('held');
      expect(await hasPremium('frank')).toBe(true); // additions are applied
      for (const name of ['erin', 'm0', 'm1', 'm2', 'm3']) expect(await hasPremium(name)).toBe(true);

      const post = await brakePost();
      expect(embedOf(post).title).toBe('Role sweep: 5 removals held back');
      expect(embedOf(post).description).toContain(`<@${id('m0')}>: no active subscription and no staff grant`);
      expect(buttonIds(post)).toEqual([`rolesweep/apply/${sweep?.id}`, `rolesweep/dismiss/${sweep?.id}`]);
      const messageOf = { messageId: post.id, channelId: post.channel_id };

      // A member who is not staff is refused privately; nothing changes.
      const refused = await (
        await h.sim.click({ user: 'alice', customId: `rolesweep/apply/${sweep?.id}`, messageOf })
      ).waitForFinal();
      expect(refused.ephemeral).toBe(true);
      expect(await hasPremium('m0')).toBe(true);

      // m0 subscribes meanwhile: Apply checks again and keeps their role.
      frankLike('m0');
      const clicks = await Promise.all([
        h.sim.click({ user: 'admin', customId: `rolesweep/apply/${sweep?.id}`, messageOf }),
        h.sim.click({ user: 'admin', customId: `rolesweep/apply/${sweep?.id}`, messageOf }),
      ]);
      await Promise.all(clicks.map((c) => c.waitForFinal()));
      await eventually(
        async () => embedOf((await h.sim.messages(auditChannel())).find((m) => m.id === post.id) as SimMessage).title,
        (title) => title === 'Role sweep: removals applied',
      );
      const edited = (await h.sim.messages(auditChannel())).find((m) => m.id === post.id) as SimMessage;
      expect(embedOf(edited).description).toMatch(/^Applied by <@\d+> on <t:\d+:f>: 4 removed, 1 kept/);
      expect(edited.components).toEqual([]);
      const notes = await Promise.all(clicks.map((c) => c.view()));
      expect(notes.filter((v) => v.followUps.some((f) => /already applied by/.test(f.content ?? '')))).toHaveLength(1);
      for (const name of ['erin', 'm1', 'm2', 'm3']) {
        await eventually(
          () => hasPremium(name),
          (has) => !has,
        );
      }
      expect(await hasPremium('m0')).toBe(true);
      const decided = await h.app.get(RoleSweeper).sweep(sweep?.id ?? '');
      expect(decided).toMatchObject({ state: 'applied', decided_by: id('admin') });
    }, 60000);

    it('should remove nothing on Dismiss, and record who dismissed', async () => {
      await giveByHand('erin', 'm0', 'm1', 'm2');
      const sweep = await sweepNow();
      const post = await brakePost();
      const messageOf = { messageId: post.id, channelId: post.channel_id };
      await (
        await h.sim.click({ user: 'admin', customId: `rolesweep/dismiss/${sweep?.id}`, messageOf })
      ).waitForFinal();
      await eventually(
        async () => embedOf((await h.sim.messages(auditChannel())).find((m) => m.id === post.id) as SimMessage).title,
        (title) => title === 'Role sweep: removals dismissed',
      );
      expect(await h.app.get(RoleSweeper).sweep(sweep?.id ?? '')).toMatchObject({
        state: 'dismissed',
        decided_by: id('admin'),
      });
      for (const name of ['erin', 'm0', 'm1', 'm2']) expect(await hasPremium(name)).toBe(true);
    });
  });

  describe('staff commands', () => {
    it('should show the drift with /admin roles audit and change nothing', async () => {
      await giveByHand('erin');
      await h.call('/internal/notify', { discord_id: id('frank'), action: 'subscription_created', plan: 'moddy_max' });
      const view = await (await admin('audit', 'roles')).waitForFinal(20000);
      expect(view.ephemeral).toBe(true);
      const text = embedOf(view).description ?? '';
      expect(text).toContain('Checked: every member of the server, each read from the backend.');
      expect(text).toContain('Checked 26 · would add 3 · would remove 1 · skipped 0');
      expect(text).toContain(`<@${id('alice')}>: expected Moddy Max, holds nothing`);
      expect(text).toContain(`<@${id('erin')}>: expected Free, holds Moddy Max`);
      expect(text).toContain(`<@${id('frank')}>: expected Moddy Max, holds nothing`);
      expect(await roleWrites()).toBe(0);
    });

    it('should sweep everyone from /admin roles sync without a member, after a confirmation', async () => {
      await giveByHand('erin');
      const handle = await admin('sync', 'roles');
      const confirm = await handle.waitForFinal();
      expect(embedOf(confirm).title).toBe('Sweep every member?');
      const run = await h.sim.click({ user: 'admin', customId: 'rolesync/run', messageOf: handle });
      await run.waitForFinal();
      const done = await eventually(
        () => run.view(),
        (v) => embedOf(v)?.title === 'Sweep finished',
        30000,
        100,
      );
      expect(embedOf(done).description).toContain('removed 1');
      expect(await hasPremium('erin')).toBe(false);
    });

    it('should keep a plan role a staff grant explains, against roles/update and the sweep, until revoked', async () => {
      const granted = await (
        await admin('grant', 'premium', { user: 'erin', plan: 'moddy_max', duration: '30d', reason: 'partner' })
      ).waitForFinal();
      expect(embedOf(granted).title).toBe(`Premium granted to <@${id('erin')}>`);
      expect(await hasPremium('erin')).toBe(true);
      const audit = await eventually(
        () => h.sim.messages(auditChannel()),
        (list) => list.some((m) => embedOf(m)?.title === 'Staff grant'),
      );
      expect(JSON.stringify(audit)).toContain('partner');

      const update = await h.call('/internal/roles/update', { discord_id: id('erin'), plan: 'free' });
      expect(update.body).toMatchObject({
        success: true,
        results: [
          {
            role_id: premium(),
            outcome: 'unchanged',
            reason: expect.stringMatching(/^kept: staff grant until \d{4}-\d{2}-\d{2}$/) as string,
          },
        ],
      });
      expect(await hasPremium('erin')).toBe(true);
      expect(JSON.parse((await sweepNow())?.summary ?? '{}')).toMatchObject({ removed: 0 });
      expect(await hasPremium('erin')).toBe(true);

      const revoked = await (await admin('revoke', 'premium', { user: 'erin' })).waitForFinal();
      expect(embedOf(revoked).title).toBe(`Staff grant of <@${id('erin')}> ended`);
      expect(await hasPremium('erin')).toBe(false);
    });

    it('should end a grant at its expiry, unless the subscription still entitles the member', async () => {
      await (await admin('grant', 'premium', { user: 'erin', plan: 'moddy_max', duration: '7d' })).waitForFinal();
      await (await admin('grant', 'premium', { user: 'frank', plan: 'moddy_max', duration: '7d' })).waitForFinal();
      await h.app
        .get(DatabaseService)
        .db.updateTable('premium_grants')
        .set({ expires_at: Date.now() - 1 })
        .execute();
      await h.app.get(PremiumService).expireDue();
      expect(await hasPremium('erin')).toBe(false);
      expect(await hasPremium('frank')).toBe(true); // frank pays
      const posts = await h.sim.messages(auditChannel());
      expect(posts.filter((m) => embedOf(m)?.title === 'Staff grant expired')).toHaveLength(2);
    });

    it('should refuse an unknown plan and a duration over a year, in the staff member’s language', async () => {
      const plan = await (
        await h.sim.slash({
          user: 'admin',
          name: 'admin',
          group: 'premium',
          subcommand: 'grant',
          options: { user: 'erin', plan: 'constructor', duration: '7d' },
          locale: 'fr',
        })
      ).waitForFinal();
      expect(plan.content).toContain('Offre inconnue');
      const long = await (
        await admin('grant', 'premium', { user: 'erin', plan: 'moddy_max', duration: '2y' })
      ).waitForFinal();
      expect(long.content).toBe('The duration must look like 7d, 4w, 6m or 1y, and last at most 1 year.');
      expect(await hasPremium('erin')).toBe(false);
    });
  });

  describe('/subscription', () => {
    // In the bot's DMs, where a member who is not in the server can ask too.
    const field = async (user: string) => {
      const view = await (await h.sim.slash({ user, name: 'subscription', guildId: null })).waitForFinal();
      return embedOf(view).fields?.find((f) => f.name === 'Premium role')?.value;
    };

    it('should tell the member where their premium role stands', async () => {
      await h.call('/internal/roles/update', { discord_id: id('frank'), plan: 'moddy_max' });
      expect(await field('frank')).toBe('✅ Applied in the Moddy server.');
      await h.call('/internal/roles/update', { discord_id: id('carol'), plan: 'moddy_max' });
      expect(await field('carol')).toMatch(/^🕒 Waiting for you to join the Moddy server/);
      expect(await field('erin')).toBeUndefined(); // no subscription, nothing expected
    });

    it('should give a paying member the store never heard of their role at once, and say so (issue 21)', async () => {
      // frank pays (the demo backend says so); the bot was never told anything about him.
      expect(await hasPremium('frank')).toBe(false);
      expect(await field('frank')).toBe('✅ Applied just now in the Moddy server.');
      expect(await hasPremium('frank')).toBe(true);
      expect(await field('frank')).toBe('✅ Applied in the Moddy server.');
      const ledger = h.app.get(RoleLedger);
      const [change] = await ledger.recentChanges(id('frank'), 5);
      expect(change).toMatchObject({ source: 'self_heal', state: 'applied' });
    });

    it('should add nothing for a member without a subscription, and never remove a role', async () => {
      await giveByHand('erin');
      expect(await field('erin')).toBeUndefined();
      expect(await field('m0')).toBeUndefined();
      expect(await hasPremium('erin')).toBe(true); // held by hand without paying: left to the sweep and its brake
      expect(await hasPremium('m0')).toBe(false);
      expect(await roleWrites()).toBe(0);
    });

    it('should say the role is being applied when Discord cannot finish within the command', async () => {
      await h.sim.setFaults({ routeLatency: [{ route: 'PUT /guilds/*/members/*/roles/*', ms: 4000 }] });
      expect(await field('frank')).toBe('🕒 Being applied, in a moment.');
      await eventually(
        () => hasPremium('frank'),
        (has) => has,
      );
    });
  });
});
