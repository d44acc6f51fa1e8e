import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { DiscordRestService } from '../discord/discord-rest.service';
import { MemberProfiles } from '../members/member-profiles.service';
import { Metrics } from '../observability/metrics.service';
import { DatabaseService } from '../storage/database.service';
import { newQueueId } from '../storage/durable-queue';
import { Leases } from '../storage/leases';
import type { RoleSweepTable, RoleSweepTrigger } from '../storage/tables';
import { WORKER_ID } from '../storage/worker-id';
import { Entitlements, type Entitled } from './entitlements';
import { RoleAuditLog } from './role-audit-log';
import { PremiumGrants } from './premium-grants';
import { RoleLedger } from './role-ledger';
import { rolesForPlans } from './role-plan';
import { RolesService } from './roles.service';

const LEASE = 'role_sweep';
const LEASE_MS = 30_000;
const TICK_MS = 30_000;
/** Backend reads a sweep has in flight at once (their rate is ROLE_SYNC_BACKEND_RPS). */
const READS_IN_FLIGHT = 8;
/** How long a sweep waits for the converger to apply its changes before it reports. */
const SETTLE_WAIT_MS = 15 * 60_000;

type SkipReason = 'backend_error' | 'left' | 'outdated';

/** One member whose plan roles differ from what the truth entitles them to. */
export interface Drift {
  discordId: string;
  /** The plans the member is entitled to (empty: none). */
  entitled: Entitled[];
  /** The plan their roles show, if they match one. */
  held: string | undefined;
  add: string[];
  remove: string[];
  /** The ledger version seen before the truth was read (a newer intent wins over the sweep). */
  basedOnVersion: number;
  readAt: number;
}

export interface SweepScan {
  checked: number;
  skipped: Record<SkipReason, number>;
  drifts: Drift[];
}

export interface SweepSummary {
  trigger: RoleSweepTrigger;
  checked: number;
  added: number;
  removed: number;
  heldBack: number;
  skipped: Record<SkipReason, number>;
  durationMs: number;
}

/** A removal the safety brake held back, as staff see it. */
export interface HeldRemoval {
  discordId: string;
  roles: string[];
  /** The plans the member is entitled to (empty: none). */
  entitledTo: string[];
}

export type BrakeDecision =
  { kind: 'applied'; by: string; removed: number; kept: number; skipped: number } | { kind: 'dismissed'; by: string };

/** What a click on the brake's buttons came to. */
export type BrakeOutcome =
  | { kind: 'done'; sweep: RoleSweepTable; decision: BrakeDecision }
  /** Already decided (by this decision), or no such held sweep. */
  | { kind: 'already'; sweep: RoleSweepTable | undefined };

/** Starts calls at most `perSecond` times a second. */
class Pacer {
  private nextAt = 0;
  constructor(private readonly perSecond: number) {}

  async next(): Promise<void> {
    const now = Date.now();
    const at = Math.max(now, this.nextAt);
    this.nextAt = at + 1000 / this.perSecond;
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  }
}

/**
 * The sweep: finds role drift in MODDY_GUILD_ID (a call lost upstream, a manual change, an outage) and
 * repairs it through the members' ordered role path. It looks at every member holding a plan role and
 * every member the store holds as premium, with a change waiting, or with a staff grant; asks the truth for
 * each (at ROLE_SYNC_BACKEND_RPS); skips a member whose answer failed (unknown is never "not entitled") or
 * who left. One replica sweeps at a time (a lease); a sweep that would remove plan roles from more than
 * ROLE_SYNC_MAX_REMOVALS members applies its additions and holds the removals for a staff decision.
 */
@Injectable()
export class RoleSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RoleSweeper.name);
  private readonly bootAt = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly discord: DiscordRestService,
    private readonly ledger: RoleLedger,
    private readonly roles: RolesService,
    private readonly entitlements: Entitlements,
    private readonly grants: PremiumGrants,
    private readonly profiles: MemberProfiles,
    private readonly leases: Leases,
    private readonly database: DatabaseService,
    private readonly metrics: Metrics,
    private readonly auditLog: RoleAuditLog,
  ) {}

  onApplicationBootstrap(): void {
    this.metrics.gauge(
      'moddy_role_sweep_held_removals',
      'Plan role removals a sweep holds back for a staff decision (the safety brake)',
      async () => (await this.heldSweeps()).reduce((sum, s) => sum + heldOf(s).length, 0),
    );
    this.timer = setInterval(() => this.kick(), TICK_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.ticking;
  }

  private get db() {
    return this.database.db;
  }

  /**
   * Asks for a sweep (kept in the database: whichever replica holds the lease runs it). When one is already
   * asked for or running, that one is the answer (`created: false`).
   */
  async request(
    trigger: RoleSweepTrigger,
    by: string | null = null,
    now = Date.now(),
  ): Promise<{ sweep: RoleSweepTable; created: boolean }> {
    const open = await this.db
      .selectFrom('role_sweeps')
      .selectAll()
      .where('state', 'in', ['requested', 'running'])
      .orderBy('created_at')
      .executeTakeFirst();
    if (open) return { sweep: open, created: false };
    const row: RoleSweepTable = {
      id: newQueueId('s'),
      trigger,
      requested_by: by,
      state: 'requested',
      created_at: now,
      started_at: null,
      finished_at: null,
      summary: null,
      held: null,
      channel_id: null,
      message_id: null,
      decided_by: null,
      decided_at: null,
      decision: null,
    };
    await this.db.insertInto('role_sweeps').values(row).execute();
    this.kick();
    return { sweep: row, created: true };
  }

  sweep(id: string): Promise<RoleSweepTable | undefined> {
    return this.db.selectFrom('role_sweeps').selectAll().where('id', '=', id).executeTakeFirst();
  }

  heldSweeps(): Promise<RoleSweepTable[]> {
    return this.db.selectFrom('role_sweeps').selectAll().where('state', '=', 'held').orderBy('created_at').execute();
  }

  /** Runs what is due now, unless this process is already at it. */
  kick(): void {
    if (this.stopped || this.ticking) return;
    this.ticking = this.tick()
      .catch((error: Error) => this.logger.error(`Role sweep failed: ${error.message}`))
      .finally(() => (this.ticking = undefined));
  }

  /** Whatever sweep is due, under the lease: a crashed one first, then a requested one, then the schedule. */
  private async tick(): Promise<void> {
    if (!(await this.leases.acquire(LEASE, WORKER_ID, LEASE_MS))) return;
    const renew = setInterval(() => {
      this.leases.acquire(LEASE, WORKER_ID, LEASE_MS).catch(() => undefined);
    }, LEASE_MS / 3);
    try {
      await this.scheduleIfDue();
      for (;;) {
        const next = await this.db
          .selectFrom('role_sweeps')
          .selectAll()
          .where('state', 'in', ['running', 'requested'])
          .orderBy('created_at')
          .executeTakeFirst();
        if (!next || this.stopped) break;
        await this.run(next);
      }
    } finally {
      clearInterval(renew);
      await this.leases.release(LEASE, WORKER_ID);
    }
  }

  private async scheduleIfDue(now = Date.now()): Promise<void> {
    const hours = this.config.roleSync.intervalHours;
    if (hours === 0 || !this.config.guildId) return;
    const last = await this.db
      .selectFrom('role_sweeps')
      .select((eb) => eb.fn.max('created_at').as('at'))
      .executeTakeFirst();
    const since = last?.at === null || last?.at === undefined ? this.bootAt : Number(last.at);
    if (now - since >= hours * 3_600_000) await this.request('schedule', null, now);
  }

  /** Runs one sweep (this process holds the lease). */
  private async run(sweep: RoleSweepTable): Promise<void> {
    const started = Date.now();
    await this.db
      .updateTable('role_sweeps')
      .set({ state: 'running', started_at: started })
      .where('id', '=', sweep.id)
      .execute();
    const scan = await this.scan();
    const additions: string[] = [];
    let added = 0;
    const skipped = { ...scan.skipped };
    for (const drift of scan.drifts.filter((d) => d.add.length > 0)) {
      const id = await this.store(drift, drift.add, []);
      if (id) {
        additions.push(id);
        added++;
      } else skipped.outdated++;
    }
    const removals = scan.drifts.filter((d) => d.remove.length > 0);
    const held: HeldRemoval[] = [];
    let removed = 0;
    const stored: string[] = [...additions];
    if (removals.length > this.config.roleSync.maxRemovals) {
      held.push(
        ...removals.map((d) => ({
          discordId: d.discordId,
          roles: d.remove,
          entitledTo: d.entitled.map((e) => e.plan),
        })),
      );
    } else {
      for (const drift of removals) {
        const id = await this.store(drift, [], drift.remove);
        if (id) {
          stored.push(id);
          removed++;
        } else skipped.outdated++;
      }
    }
    await this.waitApplied(stored);
    const summary: SweepSummary = {
      trigger: sweep.trigger,
      checked: scan.checked,
      added,
      removed,
      heldBack: held.length,
      skipped,
      durationMs: Date.now() - started,
    };
    const state = held.length > 0 ? 'held' : 'done';
    await this.db
      .updateTable('role_sweeps')
      .set({
        state,
        finished_at: Date.now(),
        summary: JSON.stringify(summary),
        held: held.length > 0 ? JSON.stringify(held) : null,
      })
      .where('id', '=', sweep.id)
      .execute();
    this.logger.log({
      message: `Role sweep ${state}: checked ${summary.checked}, added ${added}, removed ${removed}, held back ${held.length}, skipped ${skipped.backend_error + skipped.left + skipped.outdated} (backend_error ${skipped.backend_error}, left ${skipped.left}, outdated ${skipped.outdated}) in ${summary.durationMs} ms`,
      sweep: sweep.id,
      ...summary,
    });
    this.metrics.roleSweep(summary, state);
    const row = held.length > 0 ? await this.sweep(sweep.id) : undefined;
    const posted = row ? await this.auditLog.postHeld(row, held) : null;
    if (posted) await this.postedAt(sweep.id, posted.channelId, posted.messageId);
  }

  /** Stores one drift's change through the ordered role path; its change id, or undefined when outdated. */
  private async store(drift: Drift, add: string[], remove: string[]): Promise<string | undefined> {
    const guildId = this.config.guildId;
    if (!guildId) return undefined;
    const stored = await this.roles.submit({
      guildId,
      discordId: drift.discordId,
      change: { add, remove },
      source: 'sweep',
      plan: drift.entitled[0]?.plan ?? 'free',
      occurredAt: drift.readAt,
      basedOnVersion: drift.basedOnVersion,
    });
    return 'answer' in stored || stored.kind !== 'accepted' ? undefined : stored.change.id;
  }

  /** Waits (bounded) until the converger applied the changes this sweep stored. */
  private async waitApplied(ids: string[]): Promise<void> {
    const deadline = Date.now() + SETTLE_WAIT_MS;
    let open = ids;
    while (open.length > 0 && Date.now() < deadline && !this.stopped) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const rows = await this.ledger.changeStates(open);
      open = rows.filter((r) => r.state === 'pending').map((r) => r.id);
    }
  }

  /**
   * The drift of MODDY_GUILD_ID now, changing nothing (also the dry run of `/admin roles audit`).
   * `onProgress` hears (checked, total) as members are checked; past `deadline` the scan stops early.
   */
  async scan(onProgress?: (done: number, total: number) => void, deadline = Number.POSITIVE_INFINITY) {
    const guildId = this.config.guildId;
    if (!guildId) throw new Error('MODDY_GUILD_ID is not configured');
    const planRoles = new Set(this.config.planRoles.allRoles);
    const inGuild = new Set<string>();
    const holding = new Map<string, Set<string>>();
    for (let after = '0'; ;) {
      const page = await this.discord.listMembers(guildId, after);
      for (const m of page) {
        inGuild.add(m.user.id);
        const held = m.roles.filter((r) => planRoles.has(r));
        if (held.length > 0) holding.set(m.user.id, new Set(held));
      }
      if (page.length < 1000) break;
      after = page[page.length - 1].user.id;
    }
    const candidates = new Set([
      ...holding.keys(),
      ...(await this.profiles.premiumMembers()),
      ...(await this.ledger.membersOfInterest(guildId)),
      ...(await this.grants.liveMembers()),
    ]);
    const result: SweepScan = { checked: 0, skipped: { backend_error: 0, left: 0, outdated: 0 }, drifts: [] };
    const pacer = new Pacer(this.config.roleSync.backendRps);
    const queue = [...candidates].filter((id) => {
      if (inGuild.has(id)) return true;
      result.skipped.left++;
      return false;
    });
    const total = queue.length;
    let done = 0;
    const check = async (discordId: string) => {
      const basedOnVersion = (await this.ledger.member(guildId, discordId))?.version ?? 0;
      const readAt = Date.now();
      let entitled: Entitled[];
      try {
        entitled = await this.entitlements.of(discordId, readAt);
      } catch (error) {
        this.logger.warn(`Role sweep skipped ${discordId}: the truth could not be read (${(error as Error).message})`);
        result.skipped.backend_error++;
        return;
      }
      result.checked++;
      const actual = holding.get(discordId) ?? new Set<string>();
      const wanted = rolesForPlans(
        entitled.map((e) => e.plan),
        this.config.planRoles,
      );
      const add = [...wanted].filter(([r, want]) => want && !actual.has(r)).map(([r]) => r);
      const remove = [...wanted].filter(([r, want]) => !want && actual.has(r)).map(([r]) => r);
      if (add.length + remove.length === 0) return;
      const held = this.config.planRoles.planHolding(actual);
      result.drifts.push({ discordId, entitled, held, add, remove, basedOnVersion, readAt });
    };
    const workers = Array.from({ length: Math.min(READS_IN_FLIGHT, queue.length) }, async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        if (Date.now() > deadline || this.stopped) return;
        await pacer.next();
        await check(id);
        onProgress?.(++done, total);
      }
    });
    await Promise.all(workers);
    return result;
  }

  /**
   * A staff decision on a held sweep, exactly once whoever clicks and however often: Apply re-checks each
   * member against the truth now and removes only what they are still not entitled to; Dismiss removes
   * nothing. Both are recorded with who decided.
   */
  async decide(sweepId: string, action: 'apply' | 'dismiss', staffId: string, now = Date.now()): Promise<BrakeOutcome> {
    const claimed = await this.db
      .updateTable('role_sweeps')
      .set({ state: action === 'apply' ? 'applying' : 'dismissed', decided_by: staffId, decided_at: now })
      .where('id', '=', sweepId)
      .where('state', '=', 'held')
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) return { kind: 'already', sweep: await this.sweep(sweepId) };
    let decision: BrakeDecision = { kind: 'dismissed', by: staffId };
    if (action === 'apply') decision = await this.applyHeld(sweepId, staffId);
    await this.db
      .updateTable('role_sweeps')
      .set({ state: action === 'apply' ? 'applied' : 'dismissed', decision: JSON.stringify(decision) })
      .where('id', '=', sweepId)
      .execute();
    const sweep = await this.sweep(sweepId);
    if (!sweep) throw new Error(`sweep ${sweepId} vanished`);
    await this.auditLog.editDecided(sweep, decision);
    return { kind: 'done', sweep, decision };
  }

  private async applyHeld(sweepId: string, staffId: string): Promise<BrakeDecision> {
    const guildId = this.config.guildId;
    const sweep = await this.sweep(sweepId);
    const decision = { kind: 'applied' as const, by: staffId, removed: 0, kept: 0, skipped: 0 };
    if (!guildId || !sweep) return decision;
    const pacer = new Pacer(this.config.roleSync.backendRps);
    for (const held of heldOf(sweep)) {
      await pacer.next();
      const basedOnVersion = (await this.ledger.member(guildId, held.discordId))?.version ?? 0;
      const readAt = Date.now();
      let entitled: Entitled[];
      try {
        entitled = await this.entitlements.of(held.discordId, readAt);
      } catch {
        decision.skipped++;
        continue;
      }
      const wanted = rolesForPlans(
        entitled.map((e) => e.plan),
        this.config.planRoles,
      );
      const remove = held.roles.filter((r) => wanted.get(r) === false);
      if (remove.length === 0) {
        decision.kept++;
        continue;
      }
      const stored = await this.roles.submit({
        guildId,
        discordId: held.discordId,
        change: { add: [], remove },
        source: 'brake',
        actorId: staffId,
        occurredAt: readAt,
        basedOnVersion,
      });
      if (!('answer' in stored) && stored.kind === 'accepted') decision.removed++;
      else decision.kept++;
    }
    return decision;
  }

  /** Remembers where the brake's message was posted, so a decision can edit it. */
  private async postedAt(sweepId: string, channelId: string, messageId: string): Promise<void> {
    await this.db
      .updateTable('role_sweeps')
      .set({ channel_id: channelId, message_id: messageId })
      .where('id', '=', sweepId)
      .execute();
  }
}

export function heldOf(sweep: Pick<RoleSweepTable, 'held'>): HeldRemoval[] {
  return sweep.held === null ? [] : (JSON.parse(sweep.held) as HeldRemoval[]);
}

export function summaryOf(sweep: Pick<RoleSweepTable, 'summary'>): SweepSummary | undefined {
  return sweep.summary === null ? undefined : (JSON.parse(sweep.summary) as SweepSummary);
}
