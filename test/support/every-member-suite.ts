import fc from 'fast-check';
import { RoleLedger } from '../../src/role-truth/role-ledger';
import { RoleSweeper } from '../../src/role-truth/role-sweep.service';
import { DatabaseService } from '../../src/storage/database.service';
import { FRANK } from '../../tools/demo-backend/demo-backend';
import { fuzzParameters } from './fuzz';
import type { InteractionView } from '../../tools/discord-sim/types';
import type { TestDatabase } from './databases';
import { useHarness, type Harness, type HarnessOptions } from './e2e-harness';
import { pgSchema, type PgSchema } from '../../tools/pg-schema';
import { NAMES, roleSim } from './role-world';
import { eventually } from './wait';

const INFO = '/internal/subscription/info';
const MINUTE = 60_000;

/** One step of the property's interleavings. */
type Step =
  /** The member subscribes or cancels; the backend's callbacks follow after a delay, stamped with a skewed time. */
  | { kind: 'bill'; member: number; pays: boolean; skewMs: number; delayMs: number; notify: boolean }
  | { kind: 'heal'; member: number }
  | { kind: 'sweep' }
  | { kind: 'leave'; member: number }
  | { kind: 'join'; member: number };

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

  describe('every path together (property)', () => {
    const members = ['m0', 'm1', 'm2', 'm3'];
    const member = fc.nat(members.length - 1);
    const step: fc.Arbitrary<Step> = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({
          kind: fc.constant('bill' as const),
          member,
          pays: fc.boolean(),
          // past, now, or ahead of the service's clock within the accepted skew
          skewMs: fc.oneof(fc.integer({ min: -10 * MINUTE, max: 0 }), fc.integer({ min: 0, max: 5 * MINUTE - 5000 })),
          delayMs: fc.integer({ min: 0, max: 300 }),
          notify: fc.boolean(),
        }),
      },
      fc.record({ kind: fc.constant('heal' as const), member }),
      fc.record({ kind: fc.constant('sweep' as const) }),
      fc.record({ kind: fc.constant('leave' as const), member }),
      fc.record({ kind: fc.constant('join' as const), member }),
    );
    const sweep = async () => {
      const sweeper = h.app.get(RoleSweeper);
      const { sweep: asked } = await sweeper.request('staff', null);
      await eventually(
        () => sweeper.sweep(asked.id),
        (s) => s?.state === 'done' || s?.state === 'held',
        60000,
        50,
      );
    };
    /** Nothing left to do: no role change pending, no join check waiting. */
    const quiet = () =>
      eventually(
        async () => {
          const db = h.app.get(DatabaseService).db;
          const changes = await db.selectFrom('role_changes').select('id').where('state', '=', 'pending').execute();
          const checks = await db.selectFrom('member_checks').select('id').where('state', '=', 'pending').execute();
          return changes.length + checks.length;
        },
        (open) => open === 0,
        60000,
        50,
      );

    it('should end every member at the truth, whatever the order of updates, notifies, joins, self-heals and sweeps', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 3, maxLength: 12 }), async (steps) => {
          await h.sim.reset();
          h.backend.reset();
          const db = h.app.get(DatabaseService).db;
          for (const table of ['member_roles', 'role_changes', 'member_checks', 'member_profiles'] as const) {
            await db.deleteFrom(table).execute();
          }
          const paying = new Set<string>();
          const away = new Set<string>();
          const calls: Promise<unknown>[] = [];
          for (const s of steps) {
            const name = 'member' in s ? members[s.member] : '';
            if (s.kind === 'bill') {
              if (s.pays) {
                h.backend.setUser({ ...FRANK, name, discordId: id(name), invoices: [] });
                paying.add(name);
              } else {
                h.backend.removeUser(id(name));
                paying.delete(name);
              }
              const occurred_at = new Date(Date.now() + s.skewMs).toISOString();
              const plan = s.pays ? 'moddy_max' : 'free';
              calls.push(
                new Promise((resolve) => setTimeout(resolve, s.delayMs)).then(async () => {
                  await h.call('/internal/roles/update', { discord_id: id(name), plan, occurred_at });
                  if (s.notify) {
                    const action = s.pays ? 'subscription_created' : 'subscription_cancelled';
                    await h.call('/internal/notify', { discord_id: id(name), action, plan, occurred_at });
                  }
                }),
              );
            } else if (s.kind === 'heal') {
              if (!away.has(name)) await (await h.sim.slash({ user: name, name: 'subscription' })).waitForFinal();
            } else if (s.kind === 'sweep') await sweep();
            else if (s.kind === 'leave' && !away.has(name)) {
              await leave(name);
              away.add(name);
            } else if (s.kind === 'join' && away.has(name)) {
              await join(name);
              away.delete(name);
            }
          }
          await Promise.all(calls);
          for (const name of away) await join(name);
          await quiet();
          // The backend's word is the state: the last sweep reads it for everyone, whatever times were stamped.
          await sweep();
          await quiet();
          for (const name of members) {
            expect([name, await hasPremium(name)]).toEqual([name, paying.has(name)]);
          }
        }),
        { ...fuzzParameters(`${store} every path together`), numRuns: process.env.FUZZ_RUNS ? 100 : 6 },
      );
    }, 3_600_000);
  });

  describe('sweeps', () => {
    it('should replace a change waiting for a join the truth no longer backs, before the join is handled', async () => {
      // erin pays nothing and holds nothing; the ledger still waits to give her premium when she joins (a
      // callback stamped later than the cancellation that followed it), and she is in the server already, her
      // join not yet handled: the sweep checks what she is about to hold, not only what she holds.
      const guildId = h.sim.world.guildId;
      const premium = h.sim.world.roles.premium;
      const now = Date.now();
      const db = h.app.get(DatabaseService).db;
      await db
        .insertInto('member_roles')
        .values({
          guild_id: guildId,
          discord_id: id('erin'),
          version: 1,
          applied_version: 0,
          occurred_at: now + 60_000,
          desired: JSON.stringify({ [premium]: { want: true, v: 1 } }),
          state: 'waiting_join',
          joins: 0,
          attempts: 1,
          next_attempt_at: now,
          lease_owner: null,
          lease_until: null,
          last_error: null,
          expires_at: now + 90 * 24 * 3_600_000,
          updated_at: now,
        })
        .execute();
      const sweeper = h.app.get(RoleSweeper);
      const audit = await sweeper.scan();
      expect(audit.drifts.find((d) => d.discordId === id('erin'))).toMatchObject({ add: [], remove: [premium] });

      const { sweep: asked } = await sweeper.request('staff', null);
      await eventually(
        () => sweeper.sweep(asked.id),
        (s) => s?.state === 'done',
        60000,
        50,
      );
      // The join, handled now, applies the sweep's intent: no premium.
      await leave('erin');
      await join('erin');
      await eventually(
        () => h.app.get(RoleLedger).member(guildId, id('erin')),
        (row) => row?.state === 'idle' && row.joins === 1,
        30000,
      );
      expect(await hasPremium('erin')).toBe(false);
      const [change] = await h.app.get(RoleLedger).recentChanges(id('erin'), 1);
      expect(change).toMatchObject({ source: 'sweep', state: 'applied' });
    });
    it('should check again a member the ledger changed after the member pages were read', async () => {
      // The member last in id order: every check before theirs waits on a slow backend, so a backend update
      // gives them premium after the sweep read the member pages (which show none) and before it checks them.
      // The backend does not count them as paying: the sweep's read, made after that update, wins over it.
      const last = [...NAMES].sort((a, b) => (BigInt(id(a)) < BigInt(id(b)) ? -1 : 1)).at(-1) as string;
      h.backend.delay(INFO, 150);
      const pages = () => h.sim.requests({ route: 'GET /guilds/*/members' });
      const pagesBefore = (await pages()).length;
      const sweeper = h.app.get(RoleSweeper);
      const { sweep: asked } = await sweeper.request('staff', null);
      await eventually(pages, (requests) => requests.length > pagesBefore, 10000, 5);
      await h.call('/internal/roles/update', { discord_id: id(last), plan: 'moddy_max' });
      expect(await hasPremium(last)).toBe(true);
      await eventually(
        () => sweeper.sweep(asked.id),
        (s) => s?.state === 'done',
        60000,
        50,
      );
      await eventually(
        () => hasPremium(last),
        (held) => !held,
        10000,
      );
      const [change] = await h.app.get(RoleLedger).recentChanges(id(last), 1);
      expect(change).toMatchObject({ source: 'sweep', state: 'applied' });
      // Read again from Discord: the page's roles were older than the ledger's change.
      expect(await h.sim.requests({ route: `GET /guilds/*/members/${id(last)}` })).not.toEqual([]);
    });
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
