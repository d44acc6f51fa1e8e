import fc from 'fast-check';
import { PlanRoles } from '../config/plan-roles';
import { rolesForPlan, rolesForPlans } from './role-plan';

const MAX = '100000000000000001';
const PRO = '100000000000000002';
const EXTRA = '100000000000000003';

describe('rolesForPlan', () => {
  const planRoles = new PlanRoles([
    ['moddy_max', [MAX, EXTRA]],
    ['moddy_pro', [PRO]],
  ]);

  it('should add the plan roles and remove the other premium roles', () => {
    expect(rolesForPlan('moddy_pro', planRoles)).toEqual({ add: [PRO], remove: [MAX, EXTRA] });
    expect(rolesForPlan('moddy_max', planRoles)).toEqual({ add: [MAX, EXTRA], remove: [PRO] });
  });

  it('should remove every premium role for free', () => {
    expect(rolesForPlan('free', planRoles)).toEqual({ add: [], remove: [MAX, EXTRA, PRO] });
  });

  it('should refuse a plan that is not configured', () => {
    expect(rolesForPlan('moddy_ultra', planRoles)).toBeUndefined();
  });

  it('should match plan names case-insensitively', () => {
    expect(rolesForPlan('Moddy_Max', planRoles)).toEqual({ add: [MAX, EXTRA], remove: [PRO] });
    expect(rolesForPlan(' FREE ', planRoles)).toEqual({ add: [], remove: [MAX, EXTRA, PRO] });
  });

  it('should treat the names of Object.prototype members as unknown plans', () => {
    for (const plan of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__']) {
      expect(rolesForPlan(plan, planRoles)).toBeUndefined();
      expect(planRoles.isPremium(plan)).toBe(false);
    }
  });

  it('should know only the configured plans, whatever the name (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 64 }), (plan) => {
        const known = ['moddy_max', 'moddy_pro', 'free'].includes(plan.trim().toLowerCase());
        expect(rolesForPlan(plan, planRoles) !== undefined).toBe(known);
      }),
      { numRuns: 500 },
    );
  });
});

describe('rolesForPlans', () => {
  const planRoles = new PlanRoles([
    ['moddy_max', [MAX, EXTRA]],
    ['moddy_pro', [PRO, EXTRA]],
  ]);

  it('should keep every role one of the plans grants and take the others', () => {
    expect(rolesForPlans(['moddy_pro'], planRoles)).toEqual(
      new Map([
        [MAX, false],
        [EXTRA, true],
        [PRO, true],
      ]),
    );
    expect([...rolesForPlans([], planRoles).values()].every((want) => !want)).toBe(true);
  });
});
