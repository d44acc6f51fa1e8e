import type { PlanRoles } from '../config/plan-roles';

export interface RoleChange {
  add: string[];
  remove: string[];
}

/**
 * The roles a plan gives and takes: add the plan's roles, remove every other premium role (any role named
 * in PLAN_ROLES). `free` removes them all. An unknown plan gives undefined: nothing may change.
 */
export function rolesForPlan(plan: string, planRoles: PlanRoles): RoleChange | undefined {
  const granted = planRoles.rolesOf(plan);
  if (!granted) return undefined;
  return { add: [...granted], remove: planRoles.allRoles.filter((r) => !granted.includes(r)) };
}

/** The plan roles a member entitled to these plans holds (true) and lacks (false). */
export function rolesForPlans(plans: Iterable<string>, planRoles: PlanRoles): Map<string, boolean> {
  const granted = new Set([...plans].flatMap((plan) => planRoles.rolesOf(plan) ?? []));
  return new Map(planRoles.allRoles.map((roleId) => [roleId, granted.has(roleId)]));
}

/** A change as the ledger stores it: each role to be present (true) or absent (false). */
export function asIntent(change: RoleChange): Map<string, boolean> {
  return new Map([...change.add.map((r) => [r, true] as const), ...change.remove.map((r) => [r, false] as const)]);
}
