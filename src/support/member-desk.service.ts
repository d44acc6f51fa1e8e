import { Injectable } from '@nestjs/common';
import { BackendError } from '../backend/backend.errors';
import type { SubscriptionInfo } from '../backend/dto/subscription-info.response';
import { AppConfig } from '../config/app-config';
import { classifyDiscordError } from '../discord/discord-errors';
import { DiscordRestService } from '../discord/discord-rest.service';
import {
  isEntitling,
  SubscriptionEntitlements,
  PremiumGrants,
  parseDesired,
  RoleLedger,
  RoleSweeper,
  heldOf,
} from '../role-truth';
import { SubscriptionService } from '../subscription/subscription.service';
import type { PremiumGrantTable, RoleChangeSource } from '../storage/tables';

/** Why the plan roles a member holds differ from the ones they are entitled to. */
export type RoleGap =
  | { kind: 'not_in_server' }
  | { kind: 'queued' }
  | { kind: 'held_by_brake' }
  | { kind: 'refused'; reason: string }
  | { kind: 'superseded' }
  /** The latest intent for the role took it away (a backend update saying free, a staff sync...). */
  | { kind: 'removed_by'; origin: RoleChangeSource; at: number }
  /** Nothing recorded explains it: drift the next sweep (or a re-sync) repairs. */
  | { kind: 'drift' };

/** The "Now" section of `/admin member`. */
export interface MemberNow {
  /** undefined: the backend could not be read. */
  subscription: SubscriptionInfo | null | undefined;
  /** null: not in MODDY_GUILD_ID; undefined: Discord could not be read (or no guild is configured). */
  member: { joinedAt: string | null; planRoles: string[] } | null | undefined;
  expectedPlans: string[];
  expectedRoles: string[];
  grants: PremiumGrantTable[];
  /** Set when expected and actual plan roles differ (and can be told). */
  gap?: RoleGap;
}

const LOOKUP_BUDGET_MS = 2000;

/** What staff need to answer "I paid but I can't see the channel": the truth, Discord, and the ledger. */
@Injectable()
export class MemberDesk {
  constructor(
    private readonly config: AppConfig,
    private readonly discord: DiscordRestService,
    private readonly subscriptions: SubscriptionService,
    private readonly entitlements: SubscriptionEntitlements,
    private readonly grants: PremiumGrants,
    private readonly ledger: RoleLedger,
    private readonly sweeper: RoleSweeper,
  ) {}

  async now(discordId: string): Promise<MemberNow> {
    const [subscription, member, grants] = await Promise.all([
      this.subscriptions.subscriptionOf(discordId).catch((error: unknown) => {
        if (error instanceof BackendError) return undefined;
        throw error;
      }),
      this.member(discordId),
      this.grants.live(discordId),
    ]);
    const plans = grants.map((g) => g.plan);
    if (subscription && isEntitling(subscription)) plans.unshift(await this.entitlements.planOf(discordId));
    const expectedPlans = [...new Set(plans)];
    const planRoles = this.config.planRoles;
    const expectedRoles = [...new Set(expectedPlans.flatMap((p) => planRoles.rolesOf(p) ?? []))];
    const now: MemberNow = { subscription, member, expectedPlans, expectedRoles, grants };
    // Without the truth or Discord, expected and actual cannot be compared: no gap is claimed.
    if (subscription === undefined || member === undefined) return now;
    const actual = new Set(member?.planRoles ?? []);
    const same = expectedRoles.length === actual.size && expectedRoles.every((r) => actual.has(r));
    if (!same) now.gap = await this.gap(discordId, member === null, expectedRoles);
    return now;
  }

  private async member(discordId: string): Promise<MemberNow['member']> {
    const guildId = this.config.guildId;
    if (!guildId) return undefined;
    try {
      const m = await this.discord.member(guildId, discordId, { timeoutMs: LOOKUP_BUDGET_MS });
      return { joinedAt: m.joined_at ?? null, planRoles: this.config.planRoles.among(m.roles) };
    } catch (error) {
      const kind = classifyDiscordError(error);
      return kind === 'unknown_member' || kind === 'unknown_user' ? null : undefined;
    }
  }

  private async gap(discordId: string, absent: boolean, expected: string[]): Promise<RoleGap> {
    if (absent) return { kind: 'not_in_server' };
    const guildId = this.config.guildId ?? '';
    const row = await this.ledger.member(guildId, discordId);
    if (row?.state === 'pending') return { kind: 'queued' };
    const held = await this.sweeper.heldSweeps();
    if (held.some((s) => heldOf(s).some((h) => h.discordId === discordId))) return { kind: 'held_by_brake' };
    const desired = row ? parseDesired(row) : {};
    const refused = expected.map((r) => desired[r]).find((d) => d?.outcome === 'failed');
    if (refused?.reason) return { kind: 'refused', reason: refused.reason };
    const recent = await this.ledger.recentChanges(discordId, 20);
    const removal = expected.map((r) => desired[r]).find((d) => d && !d.want);
    const by = removal && recent.find((c) => c.version === removal.v);
    if (by) return { kind: 'removed_by', origin: by.source, at: by.created_at };
    if (recent[0]?.state === 'superseded') return { kind: 'superseded' };
    return { kind: 'drift' };
  }
}
