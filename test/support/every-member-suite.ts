import { RoleLedger } from '../../src/roles/role-ledger';
import { DatabaseService } from '../../src/storage/database.service';
import type { InteractionView } from '../discord-sim/types';
import type { TestDatabase } from './databases';
import { useHarness, type Harness, type HarnessOptions } from './e2e-harness';
import { pgSchema, type PgSchema } from './pg-schema';
import { roleSim } from './role-world';
import { eventually } from './wait';

const INFO = '/internal/subscription/info';

/**
 * Truth for every member (issue 21): a paying member the service was never told about gets their role when
 * they run /subscription or join, through the real discord.js client against the simulator. One store per
 * test file (role-truth-every-member.{sqlite,postgres}.e2e-spec.ts): necord keeps its handlers on the command
 * classes' metadata, so two apps booted in one file would answer each other's interactions.
 */
export function everyMemberSuite(store: TestDatabase['name']): void {
  let h: Harness;
  let schema: PgSchema | undefined;
  const options: HarnessOptions = {};
  const id = (name: string) => h.sim.userId(name);
  const hasPremium = async (name: string) => (await h.sim.memberRoleNames(name)).includes('premium');
  const infoReads = (name: string) =>
    h.backend.requests(INFO).filter((r) => (r.body as { discord_id?: string }).discord_id === id(name));
  const roleField = async (user: string) => {
    const view: InteractionView = await (await h.sim.slash({ user, name: 'subscription' })).waitForFinal();
    return view.embeds[0]?.fields?.find((f) => f.name === 'Premium role')?.value;
  };
  const join = (name: string) => h.sim.memberJoin(h.sim.world.guildId, name);
  const leave = (name: string) => h.sim.memberLeave(h.sim.world.guildId, name);
  /** The member's join check ended (done or failed), after `attempts` tries at least. */
  const checked = (name: string) =>
    eventually(
      () =>
        h.app
          .get(DatabaseService)
          .db.selectFrom('member_checks')
          .selectAll()
          .where('discord_id', '=', id(name))
          .execute(),
      (rows) => rows.length > 0 && rows.every((r) => r.state !== 'pending'),
      30000,
    );

  beforeAll(async () => {
    schema = store === 'postgres' ? await pgSchema() : undefined;
    options.sim = await roleSim();
    options.env = { ROLE_SYNC_BACKEND_RPS: '50', ...(schema ? { DATABASE_URL: schema.url } : {}) };
  });
  useHarness((harness) => (h = harness), options);
  afterEach(async () => {
    const db = h.app.get(DatabaseService).db;
    for (const table of ['member_roles', 'role_changes', 'member_checks', 'member_profiles'] as const) {
      await db.deleteFrom(table).execute();
    }
  });
  afterAll(async () => {
    await options.sim?.stop();
    await schema?.drop();
  });

  describe('/subscription', () => {
    it('should give a paying member unknown to the store their role, and say so', async () => {
      // alice pays; the service was never told anything about her.
      expect(await hasPremium('alice')).toBe(false);
      expect(await roleField('alice')).toBe('✅ Applied just now in the Moddy server.');
      expect(await hasPremium('alice')).toBe(true);
      const [change] = await h.app.get(RoleLedger).recentChanges(id('alice'), 1);
      expect(change).toMatchObject({ source: 'self_heal', state: 'applied' });
    });

    it('should add nothing for a member with no subscription', async () => {
      expect(await roleField('erin')).toBeUndefined();
      expect(await hasPremium('erin')).toBe(false);
      expect(await h.sim.requests({ route: 'PUT /guilds/*/members/*/roles/*' })).toEqual([]);
    });
  });

  describe('joins', () => {
    it('should give a paying member unknown to the store their role when they join', async () => {
      // carol pays and is not in the server.
      await join('carol');
      await eventually(
        () => hasPremium('carol'),
        (has) => has,
      );
      expect(infoReads('carol')).toHaveLength(1);
      const [change] = await h.app.get(RoleLedger).recentChanges(id('carol'), 1);
      expect(change).toMatchObject({ source: 'join', state: 'applied' });
      await leave('carol');
    });

    it('should read a member who joins, leaves and rejoins within a minute once', async () => {
      await join('carol');
      await checked('carol');
      await leave('carol');
      await join('carol');
      await eventually(
        () => hasPremium('carol'),
        (has) => has,
      );
      await checked('carol');
      expect(infoReads('carol')).toHaveLength(1);
      await leave('carol');
    });

    it('should add nothing for a member with no subscription who joins', async () => {
      await leave('erin');
      await join('erin');
      await checked('erin');
      expect(infoReads('erin')).toHaveLength(1);
      expect(await hasPremium('erin')).toBe(false);
      expect(await h.sim.requests({ route: 'PUT /guilds/*/members/*/roles/*' })).toEqual([]);
    });

    it('should read again later when the backend is down at the join, never taking it as "not entitled"', async () => {
      h.backend.failWith(INFO, 503, { times: 1000 });
      await join('carol');
      // Two tries failed (each with the client's own retries): the check waits, nothing changed.
      await eventually(
        async () => (await h.app.get(DatabaseService).db.selectFrom('member_checks').selectAll().execute())[0],
        (row) => row?.state === 'pending' && row.attempts >= 2,
        30000,
      );
      expect(await hasPremium('carol')).toBe(false);
      h.backend.clearFaults(INFO);
      await eventually(
        () => hasPremium('carol'),
        (has) => has,
        30000,
      );
      await leave('carol');
    }, 60000);
  });
}
