/** The plan that never carries premium roles, whether PLAN_ROLES lists it or not. */
export const FREE_PLAN = 'free';

/**
 * PLAN_ROLES, decoded: plan name -> the role ids that plan grants. Plans are matched as own entries of a
 * Map, case-insensitively (`Moddy_Max` is `moddy_max`, as the original bot read them), so a plan named
 * `constructor` or `__proto__` is simply an unknown plan. `free` is never listed: it grants nothing.
 */
export class PlanRoles {
  private readonly byPlan: ReadonlyMap<string, readonly string[]>;
  /** Every role of every plan (allRoles), for `among`. */
  private readonly roleSet: ReadonlySet<string>;

  constructor(entries: Iterable<readonly [string, readonly string[]]>) {
    const map = new Map<string, readonly string[]>();
    for (const [plan, roles] of entries) {
      const key = PlanRoles.normalize(plan);
      if (key !== FREE_PLAN) map.set(key, [...new Set([...(map.get(key) ?? []), ...roles])]);
    }
    this.byPlan = map;
    this.roleSet = new Set([...map.values()].flat());
  }

  /** The canonical spelling of a plan name: trimmed, lower case. */
  static normalize(plan: string): string {
    return plan.trim().toLowerCase();
  }

  /** The roles a plan grants; undefined for a plan that is not configured (free grants none). */
  rolesOf(plan: string): readonly string[] | undefined {
    const key = PlanRoles.normalize(plan);
    return key === FREE_PLAN ? [] : this.byPlan.get(key);
  }

  /** Whether a plan is premium: any configured plan (or, with no mapping at all, any plan but free). */
  isPremium(plan: string): boolean {
    const key = PlanRoles.normalize(plan);
    if (key === FREE_PLAN) return false;
    return this.byPlan.size === 0 || this.byPlan.has(key);
  }

  /** The configured plans, in PLAN_ROLES order (canonical spelling). */
  get plans(): string[] {
    return [...this.byPlan.keys()];
  }

  /** Every role named anywhere in PLAN_ROLES: the roles a plan change may take away. */
  get allRoles(): string[] {
    return [...this.roleSet];
  }

  /** The plan roles among a member's role ids, in their order. */
  among(roleIds: readonly string[]): string[] {
    return roleIds.filter((r) => this.roleSet.has(r));
  }

  /** The plan whose roles are exactly these, if one is (to name what a member holds). */
  planHolding(roleIds: ReadonlySet<string>): string | undefined {
    for (const [plan, roles] of this.byPlan) if (roles.length > 0 && roles.every((r) => roleIds.has(r))) return plan;
    return undefined;
  }

  /** A plain object, for logs and tests. */
  toObject(): Record<string, string[]> {
    return Object.fromEntries([...this.byPlan].map(([plan, roles]) => [plan, [...roles]]));
  }
}
