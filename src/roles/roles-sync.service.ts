import { Injectable } from '@nestjs/common';
import { AppConfig, FREE_PLAN } from '../config/app-config';
import { MemberProfiles } from '../members/member-profiles.service';
import type { SubscriptionInfo } from '../subscription/dto/subscription-info.response';
import { SubscriptionClient } from '../subscription/subscription.client';
import { RolesService, type UpdateRolesResponse } from './roles.service';

/** Statuses in which a subscription still carries its perks. */
const ENTITLED: ReadonlySet<SubscriptionInfo['status']> = new Set(['active', 'trialing', 'past_due']);

export interface RolesSyncResult {
  plan: string;
  premium: boolean;
  roles: UpdateRolesResponse;
}

/**
 * Recomputes a member's roles from the subscription truth (the backend) and applies them with the same
 * checks as POST /internal/roles/update. The backend's subscription info has no plan name: an entitled
 * member keeps the premium plan last notified for them, else the configured premium plan.
 */
@Injectable()
export class RolesSync {
  constructor(
    private readonly subscriptions: SubscriptionClient,
    private readonly roles: RolesService,
    private readonly profiles: MemberProfiles,
    private readonly config: AppConfig,
  ) {}

  async planOf(discordId: string): Promise<string> {
    const info = await this.subscriptions.info(discordId);
    const subscription = info.has_subscription ? info.subscription : null;
    if (!subscription || !ENTITLED.has(subscription.status)) return FREE_PLAN;
    const recorded = await this.profiles.planOf(discordId);
    if (recorded && this.profiles.isPremiumPlan(recorded)) return recorded;
    return Object.keys(this.config.planRoles)[0] ?? 'moddy_max';
  }

  async sync(discordId: string): Promise<RolesSyncResult> {
    const plan = await this.planOf(discordId);
    const premium = this.profiles.isPremiumPlan(plan);
    await this.profiles.setPremium(discordId, premium, plan);
    const roles = await this.roles.updateRoles({ discord_id: discordId, plan });
    return { plan, premium, roles };
  }
}
