import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { classifyDiscordError } from '../discord/discord-errors';
import { DiscordRestService } from '../discord/discord-rest.service';
import { isEntitling, SubscriptionEntitlements, type KnownTruth } from './entitlements';
import { MemberRoleCache } from './member-role-cache';
import { PremiumGrants } from './premium-grants';
import { RoleLedger } from './role-ledger';
import { RolesService } from './roles.service';
import { driftOf, TruthReader } from './truth-read';

/**
 * Where a member's premium role in MODDY_GUILD_ID stands, as they are told in `/subscription`: `applied_now`
 * when this very command found it missing and gave it.
 */
export type PremiumRoleState = 'applied' | 'applied_now' | 'pending_join' | 'queued' | 'not_applied';

const LOOKUP_BUDGET_MS = 2000;

/**
 * The member's premium role, expected (their subscription, their staff grants) against what Discord shows,
 * with the ledger's word on what is in progress. A member who is entitled and lacks a plan role gets it at
 * once (level, not edge: a callback lost upstream, a role removed by hand, a member the service was never
 * told about): the truth is read again, fresh, and the missing roles go through the member's ordered role
 * path. It never removes a role. Undefined when nothing is expected or it cannot be told.
 */
@Injectable()
export class PremiumRoleStatus {
  constructor(
    private readonly config: AppConfig,
    private readonly discord: DiscordRestService,
    private readonly ledger: RoleLedger,
    private readonly grants: PremiumGrants,
    private readonly subscriptions: SubscriptionEntitlements,
    private readonly truth: TruthReader,
    private readonly roles: RolesService,
    private readonly cache: MemberRoleCache,
  ) {}

  /**
   * `shown`: the subscription the member was just shown, and whether it was read from the backend for this
   * very call (`fresh`) rather than from a cache: a fresh one is the truth a repair may act on. `heldRoles`: the
   * member's roles in MODDY_GUILD_ID when the caller has them (a command run there carries them), else read.
   */
  async of(
    discordId: string,
    shown: KnownTruth & { fresh: boolean },
    heldRoles?: readonly string[],
  ): Promise<PremiumRoleState | undefined> {
    const guildId = this.config.guildId;
    if (!guildId) return undefined;
    const plans = (await this.grants.live(discordId)).map((g) => g.plan);
    if (shown.subscription && isEntitling(shown.subscription)) plans.push(await this.subscriptions.planOf(discordId));
    const expected = new Set(plans.flatMap((p) => this.config.planRoles.rolesOf(p) ?? []));
    if (expected.size === 0) return undefined;
    const row = await this.ledger.member(guildId, discordId);
    if (row?.state === 'waiting_join') return 'pending_join';
    // The interaction's roles, else the gateway's view (no Discord read; a view a moment behind is corrected by
    // the converger, which confirms what it says needs nothing), else a read.
    const viewed = heldRoles ? undefined : this.cache.rolesOf(guildId, discordId);
    if (viewed === null) return 'pending_join';
    let roles: readonly string[];
    if (heldRoles) roles = heldRoles;
    else if (viewed) roles = [...viewed];
    else {
      try {
        roles = (await this.discord.member(guildId, discordId, { timeoutMs: LOOKUP_BUDGET_MS })).roles;
      } catch (error) {
        const kind = classifyDiscordError(error);
        return kind === 'unknown_member' || kind === 'unknown_user' ? 'pending_join' : undefined;
      }
    }
    if ([...expected].every((r) => roles.includes(r))) return 'applied';
    if (row?.state === 'pending') return 'queued';
    return this.heal(guildId, discordId, new Set(roles), shown.fresh ? shown : undefined);
  }

  /**
   * Gives the plan roles the member lacks, when the truth entitles them: `known` when the caller has just read
   * it, else read again now (a cached subscription may be up to a minute old).
   */
  private async heal(
    guildId: string,
    discordId: string,
    held: ReadonlySet<string>,
    known: KnownTruth | undefined,
  ): Promise<PremiumRoleState> {
    const read = await this.truth.read(guildId, discordId, known).catch(() => undefined);
    if (!read || read.entitled.length === 0) return 'not_applied';
    const { add } = driftOf(read.wanted, held);
    if (add.length === 0) return 'applied';
    const answer = await this.roles.apply({
      guildId,
      discordId,
      change: { add, remove: [] },
      source: 'self_heal',
      plan: read.entitled[0].plan,
      occurredAt: read.readAt,
      basedOnVersion: read.basedOnVersion,
    });
    if (answer.queued) return 'queued';
    if (answer.pending) return 'pending_join';
    const added = (answer.results ?? []).some((r) => r.outcome === 'added');
    return answer.success && added ? 'applied_now' : 'not_applied';
  }
}
