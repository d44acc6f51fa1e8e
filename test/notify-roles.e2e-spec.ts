import { useHarness, type Harness } from './support/e2e-harness';

describe('POST /internal/notify and /internal/roles/update against Discord', () => {
  let h: Harness;
  const id = (name: string) => h.sim.userId(name);
  const role = (name: string) => h.sim.world.roles[name];
  const roleWrites = () => h.sim.requests({ route: 'PUT /guilds/*/members/*/roles/*' });
  const roleDeletes = () => h.sim.requests({ route: 'DELETE /guilds/*/members/*/roles/*' });

  useHarness((harness) => (h = harness));

  describe('notify', () => {
    it('should DM the user, in the default locale, without personal data', async () => {
      const res = await h.call('/internal/notify', {
        discord_id: id('alice'),
        action: 'subscription_created',
        plan: 'moddy_max',
        metadata: {
          subscription_type: 'yearly',
          amount: 9900,
          currency: 'eur',
          email: 'alice@example.com',
          phone: '+33612345678',
        },
      });
      expect(res).toEqual(
        expect.objectContaining({
          status: 200,
          body: { success: true, message: 'Notification sent', notification_sent: true },
        }),
      );
      const [dm] = await h.sim.dmsTo('alice');
      const embed = dm.embeds[0];
      expect(embed).toMatchObject({ title: 'Welcome to Moddy Max!' });
      expect(embed.fields).toEqual(expect.arrayContaining([{ name: 'Amount', value: '€99.00', inline: true }]));
      expect(JSON.stringify(dm)).not.toMatch(/alice@example\.com|612345678/);
    });

    it('should send one DM per action', async () => {
      for (const action of ['subscription_updated', 'plan_upgraded', 'plan_downgraded', 'subscription_cancelled']) {
        expect((await h.call('/internal/notify', { discord_id: id('bob'), action, plan: 'moddy_max' })).status).toBe(
          200,
        );
      }
      const titles = (await h.sim.dmsTo('bob')).map((m) => m.embeds[0].title);
      expect(titles).toEqual([
        'Your subscription was updated',
        'Your plan was upgraded to Moddy Max',
        'Your plan was changed to Moddy Max',
        'Your subscription was canceled',
      ]);
    });

    it('should report closed DMs as sent: false with the contract message', async () => {
      await h.sim.setFaults({ dmClosed: ['alice'] });
      const res = await h.call('/internal/notify', { discord_id: id('alice'), action: 'subscription_updated' });
      expect(res.body).toEqual({ success: true, message: 'User found but DM failed', notification_sent: false });
    });

    it('should report an unknown Discord user as a failure', async () => {
      const res = await h.call('/internal/notify', {
        discord_id: '199999999999999999',
        action: 'subscription_updated',
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ success: false, notification_sent: false });
    });

    it('should answer 200 with notification_sent false when Discord keeps failing', async () => {
      await h.sim.setFaults({ http5xx: [{ route: 'POST /channels/*/messages', status: 500, count: 20 }] });
      const started = Date.now();
      const res = await h.call('/internal/notify', { discord_id: id('alice'), action: 'subscription_updated' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ notification_sent: false });
      expect(Date.now() - started).toBeLessThan(5000);
    });
  });

  describe('roles', () => {
    it('should add the premium role derived from the plan and report it', async () => {
      const res = await h.call('/internal/roles/update', { discord_id: id('alice'), plan: 'moddy_max' });
      expect(res.body).toEqual({
        success: true,
        message: 'Roles updated successfully',
        roles_updated: true,
        guild_id: h.sim.world.guildId,
        results: [{ role_id: role('premium'), outcome: 'added' }],
      });
      expect(await h.sim.memberRoleNames('alice')).toContain('premium');
      expect(await roleWrites()).toHaveLength(1);
    });

    it('should send nothing to Discord for a role already in place', async () => {
      const res = await h.call('/internal/roles/update', { discord_id: id('bob'), plan: 'moddy_max' });
      expect(res.body).toMatchObject({ success: true, results: [{ role_id: role('premium'), outcome: 'unchanged' }] });
      expect(await roleWrites()).toHaveLength(0);
    });

    it('should remove every premium role for the free plan', async () => {
      const res = await h.call('/internal/roles/update', { discord_id: id('bob'), plan: 'free' });
      expect(res.body).toMatchObject({ success: true, results: [{ role_id: role('premium'), outcome: 'removed' }] });
      expect(await h.sim.memberRoleNames('bob')).not.toContain('premium');
      expect(await roleDeletes()).toHaveLength(1);
    });

    it('should apply explicit add and remove lists', async () => {
      const res = await h.call('/internal/roles/update', {
        discord_id: id('bob'),
        plan: 'moddy_max',
        add_roles: [role('premium')],
        remove_roles: null,
      });
      expect(res.body).toMatchObject({ success: true, results: [{ outcome: 'unchanged' }] });
    });

    it('should refuse a role above the bot and change nothing', async () => {
      const res = await h.call('/internal/roles/update', {
        discord_id: id('alice'),
        plan: 'moddy_max',
        add_roles: [role('premium'), role('aboveBot')],
      });
      expect(res.body).toMatchObject({
        success: false,
        roles_updated: false,
        message: expect.stringContaining(role('aboveBot')),
        results: [
          { role_id: role('premium'), outcome: 'unchanged' },
          { role_id: role('aboveBot'), outcome: 'failed', reason: "role is above the bot's highest role" },
        ],
      });
      expect(await roleWrites()).toHaveLength(0);
    });

    it('should refuse a role that does not exist', async () => {
      const res = await h.call('/internal/roles/update', {
        discord_id: id('alice'),
        plan: 'x',
        add_roles: ['123456789012345678'],
      });
      expect(res.body).toMatchObject({ success: false, message: expect.stringContaining('not found') });
    });

    it('should refuse when the bot lacks Manage Roles', async () => {
      await h.sim.setFaults({ botMissingPermissions: true });
      const res = await h.call('/internal/roles/update', { discord_id: id('alice'), plan: 'moddy_max' });
      expect(res.body).toMatchObject({ success: false, message: expect.stringContaining('Manage Roles') });
      expect(await roleWrites()).toHaveLength(0);
    });

    it('should refuse a plan that has no roles configured', async () => {
      const res = await h.call('/internal/roles/update', { discord_id: id('alice'), plan: 'moddy_ultra' });
      expect(res.body).toMatchObject({
        success: false,
        roles_updated: false,
        message: expect.stringContaining('moddy_ultra'),
      });
    });

    it('should report a member who is not in the guild', async () => {
      const res = await h.call('/internal/roles/update', { discord_id: id('carol'), plan: 'moddy_max' });
      expect(res.body).toMatchObject({ success: false, roles_updated: false });
      expect(await roleWrites()).toHaveLength(0);
    });

    it('should refuse a guild the bot is not in', async () => {
      const res = await h.call('/internal/roles/update', {
        discord_id: id('alice'),
        plan: 'moddy_max',
        guild_id: '123456789012345678',
      });
      expect(res.body).toMatchObject({ success: false, guild_id: '123456789012345678' });
    });
  });
});

describe('a bot that requires signatures and has no guild configured', () => {
  let h: Harness;

  const SIGNING_SECRET = 'signing-secret-never-on-the-wire-0123456789';
  useHarness((harness) => (h = harness), {
    env: { INTERNAL_API_REQUIRE_SIGNATURE: 'true', INTERNAL_API_SIGNING_SECRET: SIGNING_SECRET, MODDY_GUILD_ID: '' },
  });

  it('should refuse an unsigned request with 401 Invalid signature', async () => {
    const res = await h.call('/internal/notify', { discord_id: h.sim.userId('alice'), action: 'subscription_updated' });
    expect(res).toMatchObject({ status: 401, body: { error: 'Invalid signature' } });
  });

  it('should answer 503 for a role update when no guild is known', async () => {
    const body = JSON.stringify({ discord_id: h.sim.userId('alice'), plan: 'moddy_max' });
    const timestamp = Math.floor(Date.now() / 1000);
    const { createHmac } = await import('node:crypto');
    const signature = createHmac('sha256', SIGNING_SECRET).update(`${timestamp}.${body}`).digest('hex');
    const res = await h.call('/internal/roles/update', body, {
      'x-moddy-timestamp': String(timestamp),
      'x-moddy-signature': `sha256=${signature}`,
    });
    expect(res).toMatchObject({ status: 503, body: { error: 'MODDY_GUILD_ID is not configured' } });
  });
});
