import { Injectable } from '@nestjs/common';
import type { SubscriptionInfo } from '../backend/dto/subscription-info.response';
import { SubscriptionClient } from '../backend/subscription.client';
import { AppConfig } from '../config/app-config';
import { PlanRoles } from '../config/plan-roles';
import { MemberProfiles } from '../members/member-profiles.service';
import { PremiumGrants } from './premium-grants';

/** Statuses in which a subscription still carries its perks. */
const ENTITLED: ReadonlySet<SubscriptionInfo['status']> = new Set(['active', 'trialing', 'past_due']);

export function isEntitling(subscription: Pick<SubscriptionInfo, 'status'>): boolean {
  return ENTITLED.has(subscription.status);
}

/** One reason a member is entitled to a plan. */
export interface Entitled {
  source: 'subscription' | 'staff_grant';
  plan: string;
  /** Until when this source entitles them, when known (a grant's expiry). */
  until?: number;
}

/**
 * A source of premium. Each says which plans it entitles a member to, or throws when it cannot tell (a
 * failed backend read): unknown is never "not entitled". Another source (Discord's own entitlements) is
 * one more class in the list.
 */
export interface EntitlementSource {
  entitlementsOf(discordId: string, now: number, known?: KnownTruth): Promise<Entitled[]>;
}

/** What the caller has just read itself, so the source need not read it again. */
export interface KnownTruth {
  /** The member's subscription as the backend answered it a moment ago (null: none). */
  subscription: Pick<SubscriptionInfo, 'status'> | null;
}

/** The backend's subscription (POST /internal/subscription/info). */
@Injectable()
export class SubscriptionEntitlements implements EntitlementSource {
  constructor(
    private readonly subscriptions: SubscriptionClient,
    private readonly profiles: MemberProfiles,
    private readonly config: AppConfig,
  ) {}

  async entitlementsOf(discordId: string, _now: number, known?: KnownTruth): Promise<Entitled[]> {
    let subscription = known?.subscription;
    if (subscription === undefined) {
      const info = await this.subscriptions.info(discordId);
      subscription = info.has_subscription ? info.subscription : null;
    }
    if (!subscription || !isEntitling(subscription)) return [];
    return [{ source: 'subscription', plan: await this.planOf(discordId) }];
  }

  /**
   * The plan an entitling subscription stands for. The backend's subscription info names no plan: the
   * premium plan last notified for the member, else the first configured one.
   */
  async planOf(discordId: string): Promise<string> {
    const recorded = await this.profiles.planOf(discordId);
    const plans = this.config.planRoles;
    return recorded && plans.isPremium(recorded) ? PlanRoles.normalize(recorded) : (plans.plans[0] ?? 'moddy_max');
  }
}

/** Staff grants that have not ended. */
@Injectable()
export class GrantEntitlements implements EntitlementSource {
  constructor(private readonly grants: PremiumGrants) {}

  async entitlementsOf(discordId: string, now: number): Promise<Entitled[]> {
    return (await this.grants.live(discordId, now)).map((g) => ({
      source: 'staff_grant' as const,
      plan: PlanRoles.normalize(g.plan),
      until: g.expires_at,
    }));
  }
}

/** What a member is entitled to, from every source. */
@Injectable()
export class Entitlements {
  private readonly sources: EntitlementSource[];

  constructor(subscription: SubscriptionEntitlements, grants: GrantEntitlements) {
    this.sources = [subscription, grants];
  }

  /**
   * Every reason the member is entitled to premium now; empty: entitled to nothing. Throws when unknown.
   * `known`: what the caller read from the backend itself a moment ago (not from a cache).
   */
  async of(discordId: string, now = Date.now(), known?: KnownTruth): Promise<Entitled[]> {
    return (await Promise.all(this.sources.map((s) => s.entitlementsOf(discordId, now, known)))).flat();
  }
}
