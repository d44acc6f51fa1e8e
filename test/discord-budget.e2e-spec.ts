import { MemberDms } from '../src/dm/member-dms.service';
import { DatabaseService } from '../src/storage/database.service';
import { useHarness, type Harness, type HarnessOptions } from './support/e2e-harness';
import { manyMembersSim } from './support/role-world';
import { eventually } from './support/wait';

const COUNT = 100;
const names = Array.from({ length: COUNT }, (_, i) => `c${i}`);

/**
 * Discord's patience (issue 22): it blocks the bot's IP for an hour after 10,000 responses of 401, 403 or 429
 * within 10 minutes. A member whose DMs are closed costs one 403, not one per notification.
 */
describe("Discord's invalid-request budget", () => {
  let h: Harness;
  const options: HarnessOptions = {};
  const refusedDms = async () => (await h.sim.requests({ route: 'POST /channels/*/messages', status: 403 })).length;
  const notify = (name: string, event: string) =>
    h.call('/internal/notify', {
      discord_id: h.sim.userId(name),
      action: 'subscription_updated',
      plan: 'moddy_max',
      metadata: { event_id: event },
    });

  beforeAll(async () => {
    options.sim = await manyMembersSim(names);
    options.env = { AUDIT_CHANNEL_ID: options.sim.world.channelId };
  });
  useHarness((harness) => (h = harness), options);
  afterAll(() => options.sim?.stop());

  it('should try a member with closed DMs once a day: two rounds of 100 notifications cost 100 403s, not 200', async () => {
    await h.sim.setFaults({ dmClosed: names });
    // The first round tries each member (at once, or through the queue under the burst): one 403 each.
    const first = await Promise.all(names.map((name) => notify(name, `evt_closed_1_${name}`)));
    expect(
      first.every((a) => a.status === 200 && (a.body as { notification_sent: boolean }).notification_sent === false),
    ).toBe(true);
    await eventually(
      async () => await h.app.get(DatabaseService).db.selectFrom('notifications').select('state').execute(),
      (rows) => rows.length === COUNT && rows.every((r) => r.state === 'dm_closed'),
      30000,
      200,
    );
    // The second round tries nobody: every notification is stored as not delivered at once, and said so.
    const second = await Promise.all(names.map((name) => notify(name, `evt_closed_2_${name}`)));
    for (const a of second) {
      expect(a).toMatchObject({
        status: 200,
        body: { success: true, notification_sent: false, message: 'User found but DM failed' },
      });
    }
    expect(await refusedDms()).toBeLessThanOrEqual(COUNT);
    // Every notification is in the member's inbox, as not delivered.
    const inbox = await h.app.get(MemberDms).recent(h.sim.userId('c0'), 10);
    expect(inbox.map((n) => n.state)).toEqual(['dm_closed', 'dm_closed']);
  }, 60000);

  it('should still try when staff retry, and again after the 24 hours', async () => {
    await h.sim.setFaults({ dmClosed: [] });
    const dms = h.app.get(MemberDms);
    // Closed within the day: stored as not delivered, without a request.
    const before = (await h.sim.requests({ route: 'POST /channels/*/messages' })).length;
    expect((await notify('c1', 'evt_closed_3')).body).toMatchObject({ notification_sent: false });
    expect((await h.sim.requests({ route: 'POST /channels/*/messages' })).length).toBe(before);
    // Staff retry: tried at once (the member opened their DMs meanwhile).
    const [latest] = await dms.recent(h.sim.userId('c1'), 1);
    expect(await dms.retry(latest.id)).toBeDefined();
    await h.sim.waitForDms('c1', 1, 20000);
    // The day is over: the next notification tries again.
    await h.app
      .get(DatabaseService)
      .db.updateTable('member_profiles')
      .set({ dm_closed_until: Date.now() - 1 })
      .where('discord_id', '=', h.sim.userId('c2'))
      .execute();
    expect((await notify('c2', 'evt_closed_4')).body).toMatchObject({ notification_sent: true });
  }, 60000);

  it('should stop changing a role Discord refuses: 300 changes cost at most 5 403s, one audit post, all applied once fixed', async () => {
    // The bot's view of the server says it may manage the role (read a moment ago; alice is none of the 100, whose
    // last change must find the role missing: a member already holding it is rightly answered "unchanged")...
    expect(
      (await h.call('/internal/roles/update', { discord_id: h.sim.userId('alice'), plan: 'moddy_max' })).body,
    ).toMatchObject({
      success: true,
    });
    // ...when Manage Roles is taken from it, and no gateway update tells it: Discord refuses the next change.
    await h.sim.setFaults({ botMissingPermissions: true, botPermissionsUntold: true });
    const plans = ['moddy_max', 'free', 'moddy_max'];
    const answers = await Promise.all(
      names.map(async (name) => {
        const out = [];
        for (const plan of plans) {
          out.push(await h.call('/internal/roles/update', { discord_id: h.sim.userId(name), plan }));
        }
        return out;
      }),
    );
    const all = answers.flat();
    expect(all).toHaveLength(3 * COUNT);
    expect(all.every((a) => a.status === 200)).toBe(true);
    const refusedWrites = async () =>
      (await h.sim.requests({ route: 'PUT /guilds/*/members/*/roles/*', status: 403 })).length +
      (await h.sim.requests({ route: 'DELETE /guilds/*/members/*/roles/*', status: 403 })).length;
    expect(await refusedWrites()).toBeLessThanOrEqual(5);
    // Kept: every change is stored (queued), and once Discord has refused, the answers say why.
    for (const last of answers.map((a) => a[a.length - 1]))
      expect(last.body).toMatchObject({ success: true, queued: true });
    const named = all.filter((a) =>
      /^Discord refuses to change role \d+ \(the bot lacks the Manage Roles permission\)/.test(
        (a.body as { message: string }).message,
      ),
    );
    expect(named.length).toBeGreaterThan(0);
    const posts = (await h.sim.messages(h.sim.world.channelId)).filter((m) =>
      m.embeds[0]?.title?.startsWith('Discord refuses to change'),
    );
    expect(posts).toHaveLength(1);
    expect(posts[0].embeds[0].description).toContain('The bot needs the Manage Roles permission in this server.');

    // Staff give the permission back: every kept change is applied, and nothing more was refused.
    await h.sim.setFaults({ botMissingPermissions: false });
    await eventually(
      async () => (await Promise.all(names.map((n) => h.sim.memberRoleNames(n)))).filter((r) => !r.includes('premium')),
      (missing) => missing.length === 0,
      60000,
      500,
    );
    expect(await refusedWrites()).toBeLessThanOrEqual(5);
  }, 120000);
});
