import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { classifyDiscordError } from '../discord/discord-errors';
import { DiscordRestService } from '../discord/discord-rest.service';
import { SubscriptionEntitlements } from './entitlements';
import { PremiumGrants } from './premium-grants';
import { RoleLedger } from './role-ledger';

/** Where a member's premium role in MODDY_GUILD_ID stands, as they are told in `/subscription`. */
export type PremiumRoleState = 'applied' | 'pending_join' | 'queued' | 'not_applied';

const LOOKUP_BUDGET_MS = 2000;

/**
 * The member's premium role, expected (their subscription, their staff grants) against what Discord shows,
 * with the ledger's word on what is in progress. Undefined when nothing is expected or it cannot be told.
 */
@Injectable()
export class PremiumRoleStatus {
  constructor(
    private readonly config: AppConfig,
    private readonly discord: DiscordRestService,
    private readonly ledger: RoleLedger,
    private readonly grants: PremiumGrants,
    private readonly subscriptions: SubscriptionEntitlements,
  ) {}

  /** `subscribed`: the subscription the member was just shown carries the perks. */
  async of(discordId: string, subscribed: boolean): Promise<PremiumRoleState | undefined> {
    const guildId = this.config.guildId;
    if (!guildId) return undefined;
    const plans = (await this.grants.live(discordId)).map((g) => g.plan);
    if (subscribed) plans.push(await this.subscriptions.planOf(discordId));
    const expected = new Set(plans.flatMap((p) => this.config.planRoles.rolesOf(p) ?? []));
    if (expected.size === 0) return undefined;
    const row = await this.ledger.member(guildId, discordId);
    if (row?.state === 'waiting_join') return 'pending_join';
    let roles: string[];
    try {
      roles = (await this.discord.member(guildId, discordId, { timeoutMs: LOOKUP_BUDGET_MS })).roles;
    } catch (error) {
      const kind = classifyDiscordError(error);
      return kind === 'unknown_member' || kind === 'unknown_user' ? 'pending_join' : undefined;
    }
    if ([...expected].every((r) => roles.includes(r))) return 'applied';
    return row?.state === 'pending' ? 'queued' : 'not_applied';
  }
}
