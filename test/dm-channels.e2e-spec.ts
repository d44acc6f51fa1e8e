import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemberProfiles } from '../src/members/member-profiles.service';
import { DatabaseService } from '../src/storage/database.service';
import { DiscordSim } from '../tools/discord-sim/sim-client';
import { describeEachDatabase } from './support/databases';
import { startHarness, type Harness } from './support/e2e-harness';
import { pgSchema, type PgSchema } from '../tools/pg-schema';
import { eventually } from './support/wait';

/**
 * A member's DM channel is kept with the member (issue 23): after a restart, or on another replica, a DM to a
 * member DMed before costs one request (send), not two (open the channel, then send).
 */
describeEachDatabase('DM channels kept with the member on $name (issue 23)', ({ name: store }) => {
  let sim: DiscordSim;
  let schema: PgSchema | undefined;
  let dir: string;
  let h: Harness | undefined;
  const env = (): Record<string, string> => (schema ? { DATABASE_URL: schema.url } : { DATA_DIR: dir });
  const opens = async () => (await sim.requests({ route: 'POST /users/@me/channels' })).length;
  const sends = async () => (await sim.requests({ route: 'POST /channels/*/messages' })).length;
  const notify = (harness: Harness, event: string) =>
    harness.call('/internal/notify', {
      discord_id: sim.userId('alice'),
      action: 'subscription_updated',
      plan: 'moddy_max',
      metadata: { event_id: event },
    });

  beforeAll(async () => {
    sim = await DiscordSim.start({ heartbeatIntervalMs: 1000 });
    schema = store === 'postgres' ? await pgSchema() : undefined;
    dir = mkdtempSync(join(tmpdir(), 'moddy-dm-channels-'));
  });
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });
  afterAll(async () => {
    await sim?.stop();
    await schema?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('should DM a member DMed before the restart with one request', async () => {
    const first = await startHarness({ sim, env: env() });
    expect((await notify(first, 'evt_channel_1')).body).toMatchObject({ notification_sent: true });
    expect([await opens(), await sends()]).toEqual([1, 1]);
    await first.close();

    h = await startHarness({ sim, env: env() });
    expect((await notify(h, 'evt_channel_2')).body).toMatchObject({ notification_sent: true });
    expect([await opens(), await sends()]).toEqual([1, 2]);
    expect(await sim.dmsTo('alice')).toHaveLength(2);
  });

  it('should answer at the deadline while Discord holds the sends at its global limit, and post each DM once', async () => {
    h = await startHarness({ sim, env: env() });
    const names = ['alice', 'bob', 'dave', 'erin', 'frank'];
    for (const name of names) {
      const res = await fetch(`${sim.apiUrl}/v10/users/@me/channels`, {
        method: 'POST',
        headers: { authorization: `Bot ${sim.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ recipient_id: sim.userId(name) }),
      });
      const channel = (await res.json()) as { id: string };
      await h.app.get(MemberProfiles).rememberDmChannel(sim.userId(name), channel.id);
    }
    // Discord takes one request a second: the last send goes out about four seconds in, past the 3.5 s budget.
    // An attempt given up at the deadline may still reach Discord after the worker's: one DM all the same (nonce).
    await sim.setRateLimits({ enabled: true, globalPerSecond: 1, perRoute: { limit: 1e6, windowMs: 1000 } });
    const since = Date.now();
    const answers = await Promise.all(
      names.map((name, i) =>
        h!.call('/internal/notify', {
          discord_id: sim.userId(name),
          action: 'subscription_updated',
          plan: 'moddy_max',
          metadata: { event_id: `evt_budget_${i}` },
        }),
      ),
    );
    // Every answer came while a send was still held back (by order of events, not by time).
    const posted = await sim.requests({ route: 'POST /channels/*/messages', status: 200 });
    expect(posted.filter((r) => r.at >= since).length).toBeLessThan(names.length);
    expect(answers.map((a) => a.status)).toEqual(names.map(() => 200));
    expect(answers.some((a) => (a.body as { queued?: boolean }).queued === true)).toBe(true);
    const ids = names.map((name) => sim.userId(name));
    await eventually(
      async () =>
        (
          await h!.app
            .get(DatabaseService)
            .db.selectFrom('notifications')
            .select('state')
            .where('discord_id', 'in', ids)
            .where('created_at', '>=', since)
            .execute()
        ).map((r) => r.state),
      (states) => states.length === names.length && states.every((state) => state === 'sent'),
      30000,
    );
    await sim.setRateLimits({ enabled: false });
    const dmsSince = async (name: string) =>
      (await sim.dmsTo(name)).filter((m) => Date.parse(m.timestamp) >= since).length;
    for (const name of names) expect([name, await dmsSince(name)]).toEqual([name, 1]);
  }, 60000);

  it('should forget a kept channel Discord no longer knows (10003) and open a fresh one, once', async () => {
    h = await startHarness({ sim, env: env() });
    const db = h.app.get(DatabaseService).db;
    const gone = '123456789012345678';
    await db
      .updateTable('member_profiles')
      .set({ dm_channel_id: gone })
      .where('discord_id', '=', sim.userId('alice'))
      .execute();
    const before = await opens();
    expect((await notify(h, 'evt_channel_3')).body).toMatchObject({ notification_sent: true });
    expect(await opens()).toBe(before + 1);
    const row = await db
      .selectFrom('member_profiles')
      .select('dm_channel_id')
      .where('discord_id', '=', sim.userId('alice'))
      .executeTakeFirst();
    expect(row?.dm_channel_id).not.toBe(gone);
    expect(row?.dm_channel_id).toMatch(/^\d{17,20}$/);
  });
});
