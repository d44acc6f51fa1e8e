import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseService } from '../src/storage/database.service';
import { DiscordSim } from './discord-sim/sim-client';
import { describeEachDatabase } from './support/databases';
import { startHarness, type Harness } from './support/e2e-harness';
import { pgSchema, type PgSchema } from './support/pg-schema';

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
