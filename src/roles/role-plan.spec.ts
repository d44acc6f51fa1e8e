import { rolesForPlan } from './role-plan';

const MAX = '100000000000000001';
const PRO = '100000000000000002';
const EXTRA = '100000000000000003';

describe('rolesForPlan', () => {
  const planRoles = { moddy_max: [MAX, EXTRA], moddy_pro: [PRO] };

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
});
