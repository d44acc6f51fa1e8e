import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { classifyDiscordError } from '../discord/discord-errors';
import { DiscordRestService } from '../discord/discord-rest.service';
import { OutboundEvents } from '../events/outbound-events';
import { DiscordRequestBudget } from '../observability/discord-request-budget';
import { Metrics } from '../observability/metrics.service';
import { backoffDelay, type QueuePolicy } from '../storage/durable-queue';
import type { MemberRolesTable, RoleChangeTable } from '../storage/tables';
import { ClaimLoop } from '../storage/claim-loop';
import { WORKER_ID } from '../storage/worker-id';
import { GuildRoles, type GuildRoleInfo } from './guild-roles';
import { PremiumGrants } from './premium-grants';
import { MemberRoleCache } from './member-role-cache';
import { keptReason, refusedChangeReason, unreadableMemberReason } from './role-reasons';
import { parseDesired, RoleLedger, type DesiredRole, type PassOutcome, type RoleOutcome } from './role-ledger';
import { REFUSED_ERROR, RoleRefusals } from './role-refusals';

const AUDIT_REASON = 'Moddy subscription change';
const MEMBER_READ_TIMEOUT_MS = 8_000;
/** Backoff of a member whose pass failed for a transient reason (Discord down, rate limited). */
const RETRY: Pick<QueuePolicy, 'baseDelayMs' | 'maxDelayMs'> = { baseDelayMs: 2_000, maxDelayMs: 10 * 60_000 };
const WORKER = { concurrency: 8, pollMs: 500, renewMs: 5_000 };
/** How often changes that waited 90 days for a member who never joined are dropped. */
const EXPIRE_EVERY_MS = 10 * 60_000;
/** How often a waiting caller looks at its change when no local pass wakes it (another replica's pass). */
const WAIT_POLL_MS = 250;
/**
 * How old a view of the guild's roles a pass may use: the change was checked when it was stored, and
 * Discord refuses (and the pass records) a change the bot may no longer make.
 */
export const STANDING_MAX_AGE_MS = 10_000;
/** A member kept because Discord refuses one of their roles is looked at again this often (or when fixed). */
const REFUSED_RETRY_MS = 60_000;

/** The member's roles whose latest intent is not applied yet. */
function dueOf(row: MemberRolesTable): [string, DesiredRole][] {
  return Object.entries(parseDesired(row)).filter(([, d]) => d.done !== d.v);
}

/**
 * Applies each member's intended roles to Discord, one member at a time (the ledger's lease), whichever
 * replica or source wrote the intent. A pass sends only the roles that differ from the latest intent, as the
 * gateway's view of members' roles shows them (one request per role), or as a read of the member shows them when
 * the view cannot vouch for every role (then the intent is read again after it, so a change that arrived while
 * Discord was slow is applied in the same pass). It settles every intent it covered, and goes on while newer
 * intents keep arriving. A request path runs the
 * pass itself when it can (inline) and the worker picks up the rest, also after a crash (the lease expires).
 */
@Injectable()
export class RoleConverger implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RoleConverger.name);
  private readonly waiters = new Map<string, Set<(change?: RoleChangeTable) => void>>();
  private watching: NodeJS.Timeout | undefined;
  private renew: NodeJS.Timeout | undefined;
  private expiring: NodeJS.Timeout | undefined;
  private readonly loop: ClaimLoop<MemberRolesTable>;

  constructor(
    private readonly ledger: RoleLedger,
    private readonly discord: DiscordRestService,
    private readonly guildRoles: GuildRoles,
    private readonly grants: PremiumGrants,
    private readonly events: OutboundEvents,
    private readonly metrics: Metrics,
    budget: DiscordRequestBudget,
    private readonly refusals: RoleRefusals,
    private readonly cache: MemberRoleCache,
  ) {
    this.loop = new ClaimLoop({
      name: 'Role passes',
      concurrency: WORKER.concurrency,
      pollMs: WORKER.pollMs,
      claim: (limit) => this.ledger.claimDue(WORKER_ID, limit),
      work: (row) => this.run(row),
      // The worker's changes wait while Discord's invalid-request budget is half spent (callers' own passes go on).
      paused: () => budget.paused(),
      logger: this.logger,
    });
  }

  onModuleInit(): void {
    const stats = () => this.ledger.stats();
    this.metrics.gauge('moddy_role_queue_depth', 'Role changes stored and not applied yet', async () => {
      return (await stats()).depth;
    });
    this.metrics.gauge(
      'moddy_role_queue_oldest_age_seconds',
      'Age of the oldest role change not applied yet (0 when none waits)',
      async () => ((await stats()).oldestAgeMs ?? 0) / 1000,
    );
  }

  onApplicationBootstrap(): void {
    this.refusals.onResume(() => this.poke());
    this.renew = setInterval(() => {
      if (this.loop.busy > 0) {
        this.ledger.renewLeases(WORKER_ID).catch((e: Error) => this.logger.warn(`Lease renewal failed: ${e.message}`));
      }
    }, WORKER.renewMs);
    this.loop.start();
    const expire = () => {
      this.ledger
        .expireUnjoined()
        .then((n) => n > 0 && this.logger.log(`Dropped the changes of ${n} member(s) who did not join within 90 days`))
        .catch((e: Error) => this.logger.warn(`Expiring unjoined members' changes failed: ${e.message}`));
    };
    expire();
    this.expiring = setInterval(expire, EXPIRE_EVERY_MS).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.watching);
    clearInterval(this.renew);
    clearInterval(this.expiring);
    await this.loop.stop();
  }

  /** Converges the member now in this process, unless another pass holds them (it will see the intent). */
  async converge(guildId: string, discordId: string): Promise<void> {
    if (!this.loop.isRunning) return;
    const row = await this.ledger.tryClaim(guildId, discordId, WORKER_ID);
    if (row) this.loop.run(row);
  }

  /** How many passes run in this process now (the request path hands work to the worker past a bound). */
  get busy(): number {
    return this.loop.busy;
  }

  /** Looks for due members now. */
  poke(): void {
    this.loop.poke();
  }

  /** The change once it settles, or as it stands at the deadline (still `pending`: queued). */
  async waitFor(changeId: string, deadline: number): Promise<RoleChangeTable | undefined> {
    const first = await this.ledger.change(changeId);
    if (!first || first.state !== 'pending' || Date.now() >= deadline) return first;
    const settled = await new Promise<RoleChangeTable | undefined>((resolve) => {
      const waiting = this.waiters.get(changeId) ?? new Set();
      const done = (change?: RoleChangeTable) => {
        clearTimeout(timer);
        waiting.delete(done);
        if (waiting.size === 0) this.waiters.delete(changeId);
        resolve(change);
      };
      const timer = setTimeout(done, deadline - Date.now());
      waiting.add(done);
      this.waiters.set(changeId, waiting);
      this.watchWaiters();
    });
    return settled ?? (await this.ledger.change(changeId));
  }

  /**
   * Passes of this process wake their waiters directly; a change settled by another replica is seen by
   * one query for every waiting change, a few times a second, while anyone waits.
   */
  private watchWaiters(): void {
    if (this.watching || this.waiters.size === 0) return;
    this.watching = setTimeout(() => {
      this.ledger
        .changeStates([...this.waiters.keys()])
        .then((rows) =>
          this.wake(
            rows.filter((r) => r.state !== 'pending'),
            false,
          ),
        )
        .catch((error: Error) => this.logger.warn(`Reading waited-for role changes failed: ${error.message}`))
        .finally(() => {
          this.watching = undefined;
          this.watchWaiters();
        });
    }, WAIT_POLL_MS);
  }

  private wake(changes: RoleChangeTable[], count = true): void {
    for (const change of changes) for (const done of [...(this.waiters.get(change.id) ?? [])]) done(change);
    if (count) for (const change of changes) this.metrics.roleChange(change.state);
  }

  /** Passes over a member until no newer intent is left; a failed one leaves the member to its lease. */
  private async run(row: MemberRolesTable): Promise<void> {
    try {
      let current: MemberRolesTable | null = row;
      while (current && this.loop.isRunning) current = await this.pass(current);
    } catch (error) {
      // The lease runs out and the worker (here or on another replica) takes the member again.
      throw new Error(`pass for ${row.discord_id} failed: ${(error as Error).message}`);
    }
  }

  /** One pass over a member this process holds; the row again when newer intents arrived meanwhile. */
  private async pass(row: MemberRolesTable): Promise<MemberRolesTable | null> {
    const { guild_id: guildId, discord_id: discordId } = row;
    let latest = await this.ledger.reread(row, WORKER_ID);
    if (!latest) return null;
    // The gateway's view says which roles differ from the intent: when it says every due role does, they are
    // written with no read. Otherwise (a role it says needs nothing, one it does not follow, a member it does
    // not hold) the member is read from Discord first, so a view that is behind (a hand change whose event is
    // still on its way) costs a request, never a wrong role.
    const cached = this.cache.rolesOf(guildId, discordId);
    let has: ReadonlySet<string> = new Set<string>();
    let refusal: string | undefined;
    if (cached && dueOf(latest).every(([roleId, d]) => this.cache.watches(roleId) && cached.has(roleId) !== d.want)) {
      has = cached;
    } else {
      try {
        has = new Set((await this.discord.member(guildId, discordId, { timeoutMs: MEMBER_READ_TIMEOUT_MS })).roles);
      } catch (error) {
        const kind = classifyDiscordError(error);
        if (kind === 'unknown_member' || kind === 'unknown_user') return this.park(latest);
        if (kind === 'transient') {
          const delayMs = backoffDelay(latest.attempts, this.policy);
          await this.ledger.retryLater(latest, WORKER_ID, `member read: ${kind}`, delayMs);
          return null;
        }
        refusal = unreadableMemberReason(kind);
      }
      // The latest intent again, after the (possibly slow) read: what arrived meanwhile is applied now.
      latest = await this.ledger.reread(latest, WORKER_ID);
      if (!latest) return null;
    }
    const outcomes = new Map<string, PassOutcome>();
    let guild: GuildRoleInfo | undefined;
    let kept: Map<string, number> | undefined;
    /** Why the pass stops short and the member is due again later (Discord failing, or a role it refuses). */
    let later: { error: string; delayMs: number } | undefined;
    for (const [roleId, d] of dueOf(latest)) {
      const record = (outcome: RoleOutcome, reason?: string) =>
        outcomes.set(roleId, { v: d.v, outcome, ...(reason ? { reason } : {}) });
      if (refusal) {
        record('failed', refusal);
        continue;
      }
      if (has.has(roleId) === d.want) {
        record('unchanged');
        continue;
      }
      if (!d.want) {
        kept ??= await this.grants.keptRoles(discordId);
        const until = kept.get(roleId);
        if (until !== undefined) {
          record('unchanged', keptReason(until));
          continue;
        }
      }
      // A role Discord refused a moment ago: kept until staff fix it, without one more 403.
      if (this.refusals.isRefused(guildId, roleId)) {
        later = { error: `${REFUSED_ERROR}: role ${roleId}`, delayMs: REFUSED_RETRY_MS };
        break;
      }
      try {
        guild ??= await this.guildRoles.read(guildId, STANDING_MAX_AGE_MS);
        const problem = guild.problemWith(roleId);
        if (problem) {
          record('failed', problem);
          continue;
        }
        const signal = this.refusals.signalFor(guildId, roleId);
        if (d.want) await this.discord.addRole(guildId, discordId, roleId, AUDIT_REASON, signal);
        else await this.discord.removeRole(guildId, discordId, roleId, AUDIT_REASON, signal);
        this.cache.wrote(guildId, discordId, roleId, d.want);
        record(d.want ? 'added' : 'removed');
      } catch (error) {
        const kind = classifyDiscordError(error);
        // The member left (or never was here): waits for the join, as a read would have found.
        if (kind === 'unknown_member' || kind === 'unknown_user') return this.park(latest);
        if (kind === 'missing_permissions') await this.refusals.refuse(guildId, roleId);
        // Refused now, or while this write waited in the queue (aborted, never sent): kept for later.
        if (this.refusals.isRefused(guildId, roleId)) {
          later = { error: `${REFUSED_ERROR}: role ${roleId}`, delayMs: REFUSED_RETRY_MS };
          break;
        }
        if (kind === 'transient') {
          later = { error: `role ${roleId}: ${kind}`, delayMs: backoffDelay(latest.attempts, this.policy) };
          break;
        }
        this.logger.warn(`Role ${roleId} ${d.want ? 'add' : 'remove'} for ${discordId} failed: ${kind}`);
        record('failed', refusedChangeReason(kind));
      }
    }
    const { settled, again } = await this.ledger.settle(latest, WORKER_ID, latest.version, outcomes, !later);
    if (later) await this.ledger.retryLater(latest, WORKER_ID, later.error, later.delayMs);
    this.report(guildId, discordId, outcomes);
    this.wake(settled);
    return again;
  }

  /** The member is not in the guild: their changes wait for the join. */
  private async park(row: MemberRolesTable): Promise<null> {
    this.wake(await this.ledger.park(row, WORKER_ID));
    return null;
  }

  private get policy(): QueuePolicy {
    return { leaseMs: 0, maxAttempts: Number.POSITIVE_INFINITY, ...RETRY };
  }

  /** role_updated for the backend's analytics, when Discord really changed. */
  private report(guildId: string, discordId: string, outcomes: ReadonlyMap<string, PassOutcome>): void {
    const with_ = (outcome: RoleOutcome) =>
      [...outcomes].filter(([, o]) => o.outcome === outcome).map(([roleId]) => roleId);
    const added = with_('added');
    const removed = with_('removed');
    if (added.length + removed.length > 0) {
      this.events.record('role_updated', discordId, { guild_id: guildId, added, removed });
    }
  }
}
