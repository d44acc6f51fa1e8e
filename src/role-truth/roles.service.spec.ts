import type { APIRole } from 'discord.js';
import fc from 'fast-check';
import { describeEachDatabase } from '../../test/support/databases';
import type { AppConfig } from '../config/app-config';
import { PlanRoles } from '../config/plan-roles';
import { Metrics } from '../observability/metrics.service';
import type { DatabaseService } from '../storage/database.service';
import { GuildRoleInfo, type GuildRoles } from './guild-roles';
import type { RoleConverger } from './role-converger';
import type { RoleRefusals } from './role-refusals';
import { RoleLedger } from './role-ledger';
import { RolesService } from './roles.service';

const GUILD = '900000000000000000';
const PREMIUM = '800000000000000001';
const MEMBER = '700000000000000001';

const guildInfo = new GuildRoleInfo(
  GUILD,
  [{ id: PREMIUM, name: 'premium', position: 1, permissions: '0', managed: false } as APIRole],
  { highestPosition: 10, canManageRoles: true },
);

describeEachDatabase('RolesService on $name', (database) => {
  let db: DatabaseService;
  let ledger: RoleLedger;
  /** How long each read of the guild's roles takes, in the order the reads are asked for. */
  let readDelays: number[];

  const service = () => {
    const config = {
      guildId: GUILD,
      planRoles: new PlanRoles([['moddy_max', [PREMIUM]]]),
      manageableRoleIds: new Set([PREMIUM]),
    } as unknown as AppConfig;
    const guildRoles = {
      read: () => new Promise((resolve) => setTimeout(() => resolve(guildInfo), readDelays.shift() ?? 0)),
    } as unknown as GuildRoles;
    // Nothing is applied here: only the order in which the intents are stored is under test.
    const converger = {
      busy: 0,
      poke: () => undefined,
      converge: () => Promise.resolve(),
      waitFor: () => Promise.resolve(undefined),
    } as unknown as RoleConverger;
    const refusals = { isRefused: () => false } as unknown as RoleRefusals;
    return new RolesService(config, ledger, converger, guildRoles, new Metrics(), refusals);
  };

  beforeEach(async () => {
    db = await database.create();
    ledger = new RoleLedger(db);
  });
  afterAll(() => database.cleanup());

  it("should store a member's changes in arrival order though the check of the earlier one waits longer", async () => {
    readDelays = [200, 0];
    const roles = service();
    const first = roles.updateRoles({ discord_id: MEMBER, plan: 'moddy_max' });
    await new Promise((r) => setTimeout(r, 20));
    const second = roles.updateRoles({ discord_id: MEMBER, plan: 'free' });
    await Promise.all([first, second]);
    const [latest, earlier] = await ledger.recentChanges(MEMBER, 2);
    expect([earlier.plan, latest.plan]).toEqual(['moddy_max', 'free']);
  });

  it('should keep arrival order for any mix of check delays (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('moddy_max', 'free'), fc.nat(30)), { minLength: 2, maxLength: 8 }),
        async (calls) => {
          db = await database.create();
          ledger = new RoleLedger(db);
          readDelays = calls.map(([, ms]) => ms);
          const roles = service();
          await Promise.all(calls.map(([plan]) => roles.updateRoles({ discord_id: MEMBER, plan })));
          const stored = (await ledger.recentChanges(MEMBER, calls.length)).reverse();
          expect(stored.map((c) => c.plan)).toEqual(calls.map(([plan]) => plan));
        },
      ),
      { numRuns: 25 },
    );
  });
});
