import { FREE_PLAN } from '../config/app-config';

export interface RoleChange {
  add: string[];
  remove: string[];
}

/**
 * The roles a plan gives and takes: add the plan's roles, remove every other premium role (any role named
 * in PLAN_ROLES). `free` removes them all. An unknown plan gives undefined: nothing may change.
 */
export function rolesForPlan(plan: string, planRoles: Record<string, string[]>): RoleChange | undefined {
  const premium = [...new Set(Object.values(planRoles).flat())];
  if (plan === FREE_PLAN) return { add: [], remove: premium };
  const granted = planRoles[plan];
  if (!granted) return undefined;
  return { add: [...granted], remove: premium.filter((r) => !granted.includes(r)) };
}
