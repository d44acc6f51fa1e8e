import fc from 'fast-check';
import { MemberRoleCache } from '../src/role-truth/member-role-cache';
import { rolesSettled, useHarness, type Harness, type HarnessOptions } from './support/e2e-harness';
import { fuzzParameters } from './support/fuzz';
import { NAMES, roleSim } from './support/role-world';
import { eventually } from './support/wait';

const READS = 'GET /guilds/*/members/*';
const ADDS = 'PUT /guilds/*/members/*/roles/*';
const REMOVALS = 'DELETE /guilds/*/members/*/roles/*';

/**
 * One request per role that must change (issue 23): the converger decides from the gateway's view of members'
 * roles, through the real discord.js client against the simulator, and confirms by a read whatever the view says
 * needs nothing, so a view behind a hand change never leaves a wrong role.
 */
describe('role writes without reads (issue 23)', () => {
  let h: Harness;
  const options: HarnessOptions = {};
  const id = (name: string) => h.sim.userId(name);
  const premium = () => h.sim.world.roles.premium;
  const count = async (route: string) => (await h.sim.requests({ route })).length;
  const hasPremium = async (name: string) => (await h.sim.memberRoleNames(name)).includes('premium');
  const roles = async (name: string, plan: string) => {
    const res = await h.call('/internal/roles/update', { discord_id: id(name), plan });
    expect(res.status).toBe(200);
    return res.body as { success: boolean; results?: { role_id: string; outcome: string }[] };
  };
  const settled = () => rolesSettled(h);
  /** The gateway's view shows the member holding premium (or not). */
  const viewShows = (name: string, held: boolean) =>
    eventually(
      () => h.app.get(MemberRoleCache).rolesOf(h.sim.world.guildId, id(name))?.has(premium()),
      (has) => has === held,
    );

  beforeAll(async () => {
    options.sim = await roleSim();
  });
  useHarness((harness) => (h = harness), options);
  afterAll(() => options.sim?.stop());

  it('should give and take 20 members their role with one request each and no read', async () => {
    const members = NAMES;
    await Promise.all(members.map((name) => roles(name, 'moddy_max')));
    await settled();
    expect({ adds: await count(ADDS), reads: await count(READS) }).toEqual({ adds: 20, reads: 0 });
    for (const name of members) await viewShows(name, true);
    const answers = await Promise.all(members.map((name) => roles(name, 'free')));
    await settled();
    expect({ removals: await count(REMOVALS), reads: await count(READS) }).toEqual({ removals: 20, reads: 0 });
    for (const name of members) expect(await hasPremium(name)).toBe(false);
    expect(answers.flatMap((a) => a.results ?? []).every((r) => r.outcome === 'removed')).toBe(true);
  });

  it('should confirm by a read a role the view says the member holds, and send nothing', async () => {
    await roles('m0', 'moddy_max');
    await viewShows('m0', true);
    const again = await roles('m0', 'moddy_max');
    expect(again.results).toEqual([{ role_id: premium(), outcome: 'unchanged' }]);
    expect({ adds: await count(ADDS), reads: await count(READS) }).toEqual({ adds: 1, reads: 1 });
  });

  it('should follow the members again after a new gateway session, and write without reads then', async () => {
    const since = Date.now();
    await h.sim.gatewayInvalidate();
    await h.sim.waitForReady(15000, since);
    await eventually(
      () => h.app.get(MemberRoleCache).isSynced,
      (synced) => synced,
    );
    // A hand change made while the bot was away is in the new session's list.
    await roles('m1', 'moddy_max');
    await settled();
    expect({ adds: await count(ADDS), reads: await count(READS) }).toEqual({ adds: 1, reads: 0 });
  });

  it('should end every member at the latest intent while people change roles by hand and the gateway lags (property)', async () => {
    const members = NAMES.slice(0, 4);
    const step = fc.record({
      member: fc.nat(members.length - 1),
      plan: fc.constantFrom('moddy_max', 'free'),
      byHand: fc.boolean(),
      gapMs: fc.integer({ min: 0, max: 40 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 2, maxLength: 12 }),
        fc.array(fc.constantFrom('moddy_max', 'free'), { minLength: 4, maxLength: 4 }),
        fc.integer({ min: 0, max: 300 }),
        async (steps, finals, lagMs) => {
          await h.sim.reset();
          await h.sim.setFaults({ memberUpdateLagMs: lagMs });
          const calls: Promise<unknown>[] = [];
          for (const s of steps) {
            const name = members[s.member];
            if (s.byHand) {
              const change = s.plan === 'moddy_max' ? { add: [premium()] } : { remove: [premium()] };
              await h.sim.editMemberRoles(name, change);
            } else calls.push(roles(name, s.plan));
            await new Promise((r) => setTimeout(r, s.gapMs));
          }
          await Promise.all(calls);
          // Each member's last word: an intent stated after every hand change, whose event may still be on its way.
          await Promise.all(members.map((name, i) => roles(name, finals[i])));
          await settled();
          for (const [i, name] of members.entries()) {
            expect([name, await hasPremium(name)]).toEqual([name, finals[i] === 'moddy_max']);
          }
        },
      ),
      { ...fuzzParameters('role writes with a lagging gateway'), numRuns: process.env.FUZZ_RUNS ? 200 : 20 },
    );
  }, 300_000);
});
