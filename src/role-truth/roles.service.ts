import { HttpException, HttpStatus, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { KeyedSequence } from '../common/keyed-sequence';
import { occurredAtMs } from '../common/validation/occurred-at.decorator';
import { AppConfig } from '../config/app-config';
import { classifyDiscordError } from '../discord/discord-errors';
import { Metrics } from '../observability/metrics.service';
import type { RoleChangeSource, RoleChangeTable } from '../storage/tables';
import type { UpdateRolesRequest } from './dto/update-roles.request';
import { GuildRoles, type GuildRoleInfo } from './guild-roles';
import type { RefusalHint } from './role-audit-log';
import { ABOVE_BOT, NO_MANAGE_ROLES, NOT_MANAGEABLE } from './role-reasons';
import { RoleRefusals } from './role-refusals';
import { RoleConverger, STANDING_MAX_AGE_MS } from './role-converger';
import { resultsOf, RoleLedger, type JoinOutcome, type RoleResult, type Submission } from './role-ledger';
import { asIntent, rolesForPlan, type RoleChange } from './role-plan';
import type { UpdateRolesResponse } from './dto/update-roles.response';

export type { UpdateRolesResponse } from './dto/update-roles.response';

/** Answers for the backend's logs (not shown to Discord users, so not localized). */
const ROLE_MESSAGES = {
  updated: 'Roles updated successfully',
  notMember: 'User is not a member of the guild; the change will be applied when they join',
  queued: 'Discord is slow right now; the change is stored and will be applied shortly',
  superseded: 'A later change for this member replaced this one before it was applied; nothing of it was applied',
  stale: 'occurred_at is older than the change already applied for this member; nothing changed',
  expired: 'The member did not join within 90 days; the change was dropped',
} as const;

/**
 * How long a role change may take before its caller gets an answer (`queued: true` when it is not done):
 * the backend gives up after 10 s, and the contract promises an answer within 5 s. It counts from the call
 * reaching the service, after the HTTP queue: under a burst of 1,000 calls that queue alone took over a second.
 */
const ROLE_BUDGET_MS = 2500;
/** Passes run on request paths at once; past this the worker applies the changes (Discord's 50/s limit). */
const INLINE_PASSES_MAX = 25;
/** How old a view of the guild's roles the check before storing may use outside a burst. */
const PRECHECK_MAX_AGE_MS = 2_000;

/** A role update as the contract's request states it. */
export type RoleUpdate = Pick<
  UpdateRolesRequest,
  'discord_id' | 'plan' | 'add_roles' | 'remove_roles' | 'guild_id' | 'occurred_at'
>;

/** A change from any source, on its way into the member's ordered role path. */
export interface RoleChangeInput {
  guildId: string;
  discordId: string;
  change: RoleChange;
  source: RoleChangeSource;
  plan?: string | null;
  actorId?: string | null;
  occurredAt?: number | null;
  basedOnVersion?: number;
  /** Explicit role ids from the backend: each must be a membership role. */
  explicit?: boolean;
}

/**
 * The one way a role change reaches Discord. It checks what can be checked before anything is stored
 * (the plan, the roles and the bot's standing: a refused change changes nothing), stores the intent in the
 * member's ordered ledger, and converges the member within the answer budget.
 */
@Injectable()
export class RolesService implements OnApplicationBootstrap {
  private readonly logger = new Logger(RolesService.name);
  /** Changes for one member are checked and stored in the order they arrived (see submit). */
  private readonly arrivals = new KeyedSequence();

  constructor(
    private readonly config: AppConfig,
    private readonly ledger: RoleLedger,
    private readonly converger: RoleConverger,
    private readonly guildRoles: GuildRoles,
    private readonly metrics: Metrics,
    private readonly refusals: RoleRefusals,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.adoptLegacyPending();
  }

  /** POST /internal/roles/update. */
  async updateRoles(request: RoleUpdate, receivedAt = Date.now()): Promise<UpdateRolesResponse> {
    const guildId = request.guild_id ?? this.config.guildId;
    if (!guildId)
      throw new HttpException({ error: 'MODDY_GUILD_ID is not configured' }, HttpStatus.SERVICE_UNAVAILABLE);
    const explicit = request.add_roles != null || request.remove_roles != null;
    let change: RoleChange;
    if (!explicit) {
      const derived = rolesForPlan(request.plan, this.config.planRoles);
      if (!derived) {
        return refusal(guildId, `Plan "${request.plan}" has no roles configured in PLAN_ROLES; nothing changed`);
      }
      change = derived;
    } else {
      change = { add: [...new Set(request.add_roles ?? [])], remove: [...new Set(request.remove_roles ?? [])] };
      const both = change.add.find((r) => change.remove.includes(r));
      if (both) return refusal(guildId, `Role ${both} is both in add_roles and remove_roles; nothing changed`);
    }
    return this.apply(
      {
        guildId,
        discordId: request.discord_id,
        change,
        source: 'backend',
        plan: request.plan,
        occurredAt: occurredAtMs(request.occurred_at),
        explicit,
      },
      receivedAt,
    );
  }

  /** Checks, stores and converges a change from any source; answers within the budget. */
  async apply(input: RoleChangeInput, receivedAt = Date.now()): Promise<UpdateRolesResponse> {
    const stored = await this.submit(input);
    if ('answer' in stored) return stored.answer;
    if (stored.kind === 'outdated') {
      return { ...refusal(input.guildId, ROLE_MESSAGES.superseded), success: true, superseded: true };
    }
    if (stored.kind === 'stale') {
      this.metrics.roleChange('stale');
      return responseFor(stored.change);
    }
    // Under a burst, a pass here would only wait behind Discord's rate limit: the worker applies it.
    if (this.converger.busy >= INLINE_PASSES_MAX) return this.withRefusal(responseFor(stored.change), input);
    await this.converger.converge(input.guildId, input.discordId);
    const settled = await this.converger.waitFor(stored.change.id, receivedAt + ROLE_BUDGET_MS);
    return this.withRefusal(responseFor(settled ?? stored.change), input);
  }

  /** A change kept because Discord refuses one of its roles says why in its answer. */
  private withRefusal(response: UpdateRolesResponse, input: RoleChangeInput): UpdateRolesResponse {
    if (!response.queued) return response;
    const refused = [...input.change.add, ...input.change.remove].find((r) =>
      this.refusals.isRefused(input.guildId, r),
    );
    if (!refused) return response;
    return { ...response, message: refusedMessage(refused, this.refusals.reasonFor(input.guildId, refused)) };
  }

  /**
   * Checks a change and stores it in the member's ledger, for the worker to apply (nothing waits for it).
   * A refused change (roles, the bot's standing) changes nothing and is answered at once (`answer`).
   */
  submit(input: RoleChangeInput): Promise<{ answer: UpdateRolesResponse } | Submission> {
    // The check before storing may wait for a read of the guild while a later change for the same member
    // finds a recent one kept: without this, the later change would be stored first and lose to the earlier.
    return this.arrivals.run(`${input.guildId}:${input.discordId}`, () => this.checkAndStore(input));
  }

  private async checkAndStore(input: RoleChangeInput): Promise<{ answer: UpdateRolesResponse } | Submission> {
    const { guildId, change } = input;
    const roleIds = [...change.add, ...change.remove];
    const problems = await this.problems(guildId, roleIds, input.explicit ? this.config.manageableRoleIds : undefined);
    if (problems instanceof Error) return { answer: refusal(guildId, problems.message) };
    if (problems.size > 0) {
      const results = roleIds.map((role_id): RoleResult => {
        const reason = problems.get(role_id);
        return reason ? { role_id, outcome: 'failed', reason } : { role_id, outcome: 'unchanged' };
      });
      const [first] = problems;
      return { answer: refusal(guildId, `Role ${first[0]}: ${first[1]}; nothing changed`, results) };
    }
    if (roleIds.length === 0) {
      return {
        answer: { success: true, message: ROLE_MESSAGES.updated, roles_updated: true, guild_id: guildId, results: [] },
      };
    }
    const submitted = await this.ledger.submit({
      guildId,
      discordId: input.discordId,
      changes: asIntent(change),
      source: input.source,
      plan: input.plan,
      actorId: input.actorId,
      occurredAt: input.occurredAt,
      basedOnVersion: input.basedOnVersion,
    });
    if (submitted.kind === 'accepted') this.converger.poke();
    return submitted;
  }

  /**
   * A member joined a guild: what waits for them (or the roles they should hold) is applied now. `unknown`:
   * the ledger never heard of them (their truth is still to be read).
   */
  async memberJoined(guildId: string, discordId: string): Promise<JoinOutcome> {
    const outcome = await this.ledger.memberJoined(guildId, discordId);
    if (outcome === 'work') await this.converger.converge(guildId, discordId);
    return outcome;
  }

  /** Role id -> why it may not change; an Error when the guild cannot be read at all. */
  private async problems(
    guildId: string,
    roleIds: string[],
    manageable: ReadonlySet<string> | undefined,
  ): Promise<Map<string, string> | Error> {
    let guild: GuildRoleInfo | undefined;
    try {
      // A recent view will do (the gateway's role updates drop it); under a burst, an older one: a fresh read
      // would wait behind Discord's rate limit.
      guild = await this.guildRoles.read(
        guildId,
        this.converger.busy >= INLINE_PASSES_MAX ? STANDING_MAX_AGE_MS : PRECHECK_MAX_AGE_MS,
      );
    } catch (error) {
      const kind = classifyDiscordError(error);
      this.logger.warn(`Cannot read guild ${guildId}: ${kind}`);
      if (kind !== 'transient') {
        return new Error(`The bot cannot read guild ${guildId} (is it a member of it?); nothing changed`);
      }
      // Discord is slow or down: the change is stored and the converger checks the roles when it applies them.
    }
    const problems = new Map<string, string>();
    for (const roleId of roleIds) {
      const problem = guild
        ? guild.problemWith(roleId, manageable)
        : manageable && !manageable.has(roleId)
          ? NOT_MANAGEABLE
          : undefined;
      // Once Discord refused the role (50013), its changes are kept until staff fix it, not refused one by one.
      const kept = (problem === NO_MANAGE_ROLES || problem === ABOVE_BOT) && this.refusals.isRefused(guildId, roleId);
      if (problem && !kept) problems.set(roleId, problem);
    }
    return problems;
  }

  /** Changes stored for absent members before the ledger existed become ledger intents, once. */
  private async adoptLegacyPending(): Promise<void> {
    const rows = await this.ledger.legacyPending();
    for (const row of rows) {
      const explicit = row.add_roles !== null || row.remove_roles !== null;
      const change = explicit
        ? {
            add: JSON.parse(row.add_roles ?? '[]') as string[],
            remove: JSON.parse(row.remove_roles ?? '[]') as string[],
          }
        : rolesForPlan(row.plan, this.config.planRoles);
      if (change && change.add.length + change.remove.length > 0) {
        await this.ledger.submit(
          {
            guildId: row.guild_id,
            discordId: row.discord_id,
            changes: asIntent(change),
            source: 'backend',
            plan: row.plan,
          },
          row.created_at,
        );
      }
      await this.ledger.dropLegacyPending(row.guild_id, row.discord_id);
    }
    if (rows.length > 0) this.logger.log(`Adopted ${rows.length} pending role change(s) into the role ledger`);
  }
}

/** The answer's words (for the backend's logs) for a change kept because Discord refuses its role. */
function refusedMessage(roleId: string, hint: RefusalHint | undefined): string {
  const fix =
    hint === 'manage_roles'
      ? 'the bot lacks the Manage Roles permission'
      : hint === 'above_bot'
        ? "the role is above the bot's highest role"
        : 'missing permissions';
  return `Discord refuses to change role ${roleId} (${fix}); the change is stored and will be applied once that is fixed`;
}

function refusal(guildId: string, message: string, results?: RoleResult[]): UpdateRolesResponse {
  return { success: false, message, roles_updated: false, guild_id: guildId, ...(results ? { results } : {}) };
}

/** The contract answer for a stored change, as it stands. */
function responseFor(change: RoleChangeTable): UpdateRolesResponse {
  const guildId = change.guild_id;
  const results = resultsOf(change);
  switch (change.state) {
    case 'pending':
      return { success: true, message: ROLE_MESSAGES.queued, roles_updated: false, guild_id: guildId, queued: true };
    case 'waiting_join':
      return { ...refusal(guildId, ROLE_MESSAGES.notMember), pending: true };
    case 'expired':
      return refusal(guildId, ROLE_MESSAGES.expired);
    case 'stale':
      return {
        success: true,
        message: ROLE_MESSAGES.stale,
        roles_updated: false,
        guild_id: guildId,
        stale: true,
        results,
      };
    case 'superseded':
      return {
        success: true,
        message: ROLE_MESSAGES.superseded,
        roles_updated: false,
        guild_id: guildId,
        superseded: true,
        results,
      };
    case 'applied':
      return { success: true, message: ROLE_MESSAGES.updated, roles_updated: true, guild_id: guildId, results };
    case 'failed': {
      const failed = results.filter((r) => r.outcome === 'failed').length;
      const changed = results.some((r) => r.outcome === 'added' || r.outcome === 'removed');
      return {
        success: false,
        message: `${failed} role change(s) failed`,
        roles_updated: changed,
        guild_id: guildId,
        results,
      };
    }
  }
}
