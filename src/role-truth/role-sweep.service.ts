import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SubscriptionClient } from '../backend/subscription.client';
import { AppConfig } from '../config/app-config';
import { PlanRoles } from '../config/plan-roles';
import { classifyDiscordError } from '../discord/discord-errors';
import { DiscordRestService } from '../discord/discord-rest.service';
import { MemberProfiles } from '../members/member-profiles.service';
import { DiscordRequestBudget } from '../observability/discord-request-budget';
import { Metrics } from '../observability/metrics.service';
import { newQueueId } from '../storage/durable-queue';
import { Leases } from '../storage/leases';
import type { RoleSweepTable, RoleSweepTrigger } from '../storage/tables';
import { WORKER_ID } from '../storage/worker-id';
import { BackendReadBudget } from './backend-budget';
import { GrantEntitlements, SubscriptionEntitlements, type Entitled } from './entitlements';
import { PremiumGrants } from './premium-grants';
import { RoleAuditLog } from './role-audit-log';
import { RoleLedger, type Standing } from './role-ledger';
import { rolesForPlans } from './role-plan';
import type {
  BrakeDecision,
  BrakeOutcome,
  Drift,
  HeldRemoval,
  SkipReason,
  SweepScan,
  SweepScope,
  SweepSource,
  SweepSummary,
} from './role-sweep.types';
import { heldOf } from './role-sweep.types';
import { RoleSweeps } from './role-sweeps.repository';
import { RolesService } from './roles.service';
import { driftOf, heldOnceSettled, TruthReader, unsettledOf } from './truth-read';

const LEASE = 'role_sweep';
const LEASE_MS = 30_000;
const TICK_MS = 30_000;
/** Backend reads a sweep has in flight at once (their rate is ROLE_SYNC_BACKEND_RPS). */
const READS_IN_FLIGHT = 8;
/** How long a sweep waits for the converger to apply its changes before it reports. */
const SETTLE_WAIT_MS = 15 * 60_000;
/** How often a running sweep stores how far it got (a crash repeats at most this much of its reads). */
const PROGRESS_EVERY_MS = 2_000;
const PROGRESS_EVERY_MEMBERS = 100;
/** How often a sweep paused by Discord's invalid-request budget looks again. */
const PAUSED_POLL_MS = 5_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Discord's largest page of guild members. */
const MEMBER_PAGE = 1000;

/** Where a running sweep stands, stored with it: a sweep taken over after a crash goes on from `after`. */
interface SweepProgress {
  /** Every candidate up to this member id (in id order) is checked. */
  after: string | null;
  checked: number;
  added: number;
  skipped: Record<SkipReason, number>;
  /** The removals found so far: decided (or held by the brake) once every member is checked. */
  removals: Drift[];
  source: SweepSource;
}

/** What a walk is about to check: members in id order, with what is known of each before any read. */
interface WalkPlan {
  source: SweepSource;
  /** Candidates in the guild, in id order. */
  candidates: string[];
  /** Each member of the guild (bots aside) and the plan roles they hold, as the member pages said. */
  holding: Map<string, Set<string>>;
  /** When the member pages were asked for: a member the ledger changed since then is read again. */
  holdingAt: number;
  /** Members the store knows of (premium, a change waiting, a grant) who are not in the guild. */
  left: number;
  /** With the backend's list: each entitled member and their plan when the backend gave it. */
  listed?: Map<string, string | undefined>;
  /** With the backend's list: each member the ledger knew when the list was read (version, what is unsettled). */
  standing?: Map<string, Standing>;
  listedAt?: number;
  grantMembers: Set<string>;
}

/** What checking one member came to. */
type Checked = { kind: 'checked'; drift?: Drift } | { kind: 'skipped'; reason: SkipReason };

/** Ids in numeric order (snowflakes are integers written without leading zeros). */
const byId = (a: string, b: string) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

/**
 * The sweep: finds role drift in MODDY_GUILD_ID (a call lost upstream, a manual change, a member the service
 * was never told about) and repairs it through the members' ordered role path. Scope `all` (ROLE_SYNC_SCOPE,
 * and the first sweep on a store whatever it says) checks every member of the guild; `holders` only the
 * plan-role holders and the members the store knows. The truth comes from one backend read per member at
 * ROLE_SYNC_BACKEND_RPS (a failed read skips the member: unknown is never "not entitled"), or, when the backend
 * offers it (contract 1.2), from its list of entitled members, with reads only for the holders outside it.
 * The walk goes in member id order and stores how far it got, so a crash, a deploy or another replica taking
 * the lease over goes on from there. Additions are stored as they are found; removals wait for the end: one
 * that would remove plan roles from more than ROLE_SYNC_MAX_REMOVALS members holds them for a staff decision.
 */
@Injectable()
export class RoleSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RoleSweeper.name);
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private stopped = false;
  /** The lease went to another replica: the walk stops where it is (the other one goes on from there). */
  private leaseLost = false;
  /** False once the backend said it does not offer its list (404/501): not asked again until a restart. */
  private listOffered: boolean | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly discord: DiscordRestService,
    private readonly ledger: RoleLedger,
    private readonly roles: RolesService,
    private readonly truth: TruthReader,
    private readonly subscriptions: SubscriptionClient,
    private readonly subscriptionEntitlements: SubscriptionEntitlements,
    private readonly grantEntitlements: GrantEntitlements,
    private readonly budget: BackendReadBudget,
    private readonly grants: PremiumGrants,
    private readonly profiles: MemberProfiles,
    private readonly leases: Leases,
    private readonly sweeps: RoleSweeps,
    private readonly metrics: Metrics,
    private readonly auditLog: RoleAuditLog,
    private readonly discordBudget: DiscordRequestBudget,
  ) {}

  onApplicationBootstrap(): void {
    this.metrics.gauge(
      'moddy_role_sweep_held_removals',
      'Plan role removals a sweep holds back for a staff decision (the safety brake)',
      async () => (await this.heldSweeps()).reduce((sum, s) => sum + heldOf(s).length, 0),
    );
    this.timer = setInterval(() => this.kick(), TICK_MS);
    // A sweep left running by a crash or a deploy goes on now, and the first one on a new store starts.
    this.kick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.ticking;
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
    const open = await this.sweeps.open();
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
      scope: await this.scopeOfNext(),
      progress: null,
    };
    await this.sweeps.create(row);
    this.kick();
    return { sweep: row, created: true };
  }

  /** ROLE_SYNC_SCOPE, except that a store on which no sweep ever walked the whole guild gets a full walk. */
  private async scopeOfNext(): Promise<SweepScope> {
    if (this.config.roleSync.scope === 'all') return 'all';
    return (await this.sweeps.walkedEveryone()) ? 'holders' : 'all';
  }

  sweep(id: string): Promise<RoleSweepTable | undefined> {
    return this.sweeps.byId(id);
  }

  heldSweeps(): Promise<RoleSweepTable[]> {
    return this.sweeps.held();
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
    this.leaseLost = false;
    const renew = setInterval(() => {
      this.leases
        .acquire(LEASE, WORKER_ID, LEASE_MS)
        .then((held) => {
          if (!held) this.leaseLost = true;
        })
        .catch(() => undefined);
    }, LEASE_MS / 3);
    try {
      await this.scheduleIfDue();
      for (;;) {
        const next = await this.sweeps.open();
        if (!next || this.stopped || this.leaseLost) break;
        await this.run(next);
      }
    } finally {
      clearInterval(renew);
      if (!this.leaseLost) await this.leases.release(LEASE, WORKER_ID);
    }
  }

  /** A sweep every ROLE_SYNC_INTERVAL_HOURS; on a store that never had one, at once. */
  private async scheduleIfDue(now = Date.now()): Promise<void> {
    const hours = this.config.roleSync.intervalHours;
    if (hours === 0 || !this.config.guildId) return;
    const at = await this.sweeps.lastRequestedAt();
    if (at === undefined || now - at >= hours * 3_600_000) await this.request('schedule', null, now);
  }

  /** Runs one sweep (this process holds the lease), from where it stands when it was taken over. */
  private async run(sweep: RoleSweepTable): Promise<void> {
    const guildId = this.config.guildId;
    if (!guildId) throw new Error('MODDY_GUILD_ID is not configured');
    const started = sweep.started_at ?? Date.now();
    const scope: SweepScope = sweep.scope ?? 'holders';
    const resumed = sweep.progress !== null;
    const progress: SweepProgress = resumed
      ? (JSON.parse(sweep.progress as string) as SweepProgress)
      : {
          after: null,
          checked: 0,
          added: 0,
          skipped: { backend_error: 0, left: 0, outdated: 0 },
          removals: [],
          source: 'reads',
        };
    await this.sweeps.started(sweep.id, started);
    if (resumed) this.logger.log(`Role sweep ${sweep.id} goes on after member ${progress.after ?? '(none)'}`);

    const additions: string[] = [];
    let savedAt = Date.now();
    let unsaved = 0;
    const save = () => this.sweeps.saveProgress(sweep.id, JSON.stringify(progress));
    const plan = await this.plan(guildId, scope);
    progress.source = plan.source;
    progress.skipped.left = plan.left;
    const sweeping = { stop: () => this.stopped || this.leaseLost, pausable: true };
    const completed = await this.walk(
      plan,
      progress.after,
      async (discordId, result) => {
        if (result.kind === 'skipped') progress.skipped[result.reason]++;
        else {
          progress.checked++;
          const drift = result.drift;
          if (drift && drift.add.length > 0) {
            const id = await this.store(drift, drift.add, []);
            if (id) {
              additions.push(id);
              progress.added++;
            } else progress.skipped.outdated++;
          }
          if (drift && drift.remove.length > 0) progress.removals.push({ ...drift, add: [] });
        }
        progress.after = discordId;
        if (++unsaved >= PROGRESS_EVERY_MEMBERS || Date.now() - savedAt >= PROGRESS_EVERY_MS) {
          savedAt = Date.now();
          unsaved = 0;
          await save();
        }
      },
      sweeping,
    );
    await save();
    if (!completed) return; // stopped or taken over: the next holder of the lease goes on from `after`

    const removals = progress.removals;
    const held: HeldRemoval[] = [];
    let removed = 0;
    const skipped = { ...progress.skipped };
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
      scope,
      source: plan.source,
      checked: progress.checked,
      added: progress.added,
      removed,
      heldBack: held.length,
      skipped,
      durationMs: Date.now() - started,
    };
    const state = held.length > 0 ? 'held' : 'done';
    await this.sweeps.finished(
      sweep.id,
      state,
      JSON.stringify(summary),
      held.length > 0 ? JSON.stringify(held) : null,
      Date.now(),
    );
    this.logger.log({
      message: `Role sweep ${state} (${scope}, ${plan.source}): checked ${summary.checked}, added ${summary.added}, removed ${removed}, held back ${held.length}, skipped ${skipped.backend_error + skipped.left + skipped.outdated} (backend_error ${skipped.backend_error}, left ${skipped.left}, outdated ${skipped.outdated}) in ${summary.durationMs} ms`,
      sweep: sweep.id,
      ...summary,
    });
    this.metrics.roleSweep(summary, state);
    const row = held.length > 0 ? await this.sweep(sweep.id) : undefined;
    const posted = row ? await this.auditLog.postHeld(row, held) : null;
    if (posted) await this.sweeps.postedAt(sweep.id, posted.channelId, posted.messageId);
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

  /** `/admin roles audit`: the dry run (see scan), and the sweeps whose removals wait for a staff decision. */
  async audit(
    onProgress?: (done: number, total: number) => void,
    deadline?: number,
  ): Promise<{ scan: SweepScan; held: { sweep: RoleSweepTable; removals: HeldRemoval[] }[] }> {
    const scan = await this.scan(onProgress, deadline);
    const held = (await this.heldSweeps()).map((sweep) => ({ sweep, removals: heldOf(sweep) }));
    return { scan, held };
  }

  /**
   * The drift of MODDY_GUILD_ID now, in ROLE_SYNC_SCOPE, changing nothing (the dry run of `/admin roles
   * audit`). `onProgress` hears (checked, total) as members are checked; past `deadline` the scan stops early.
   */
  async scan(
    onProgress?: (done: number, total: number) => void,
    deadline = Number.POSITIVE_INFINITY,
  ): Promise<SweepScan> {
    const guildId = this.config.guildId;
    if (!guildId) throw new Error('MODDY_GUILD_ID is not configured');
    const scope = this.config.roleSync.scope;
    const plan = await this.plan(guildId, scope);
    const result: SweepScan = {
      scope,
      source: plan.source,
      checked: 0,
      skipped: { backend_error: 0, left: plan.left, outdated: 0 },
      drifts: [],
    };
    let done = 0;
    await this.walk(
      plan,
      null,
      (_discordId, checked) => {
        if (checked.kind === 'skipped') result.skipped[checked.reason]++;
        else {
          result.checked++;
          if (checked.drift) result.drifts.push(checked.drift);
        }
        onProgress?.(++done, plan.candidates.length);
        return Promise.resolve();
      },
      { stop: () => this.stopped || Date.now() > deadline, pausable: false },
    );
    return result;
  }

  /** Reads the guild's members and decides whom to check, and how (the backend's list when it has one). */
  private async plan(guildId: string, scope: SweepScope): Promise<WalkPlan> {
    const holding = new Map<string, Set<string>>();
    const holdingAt = Date.now();
    for (let after = '0'; ;) {
      const page = await this.discord.listMembers(guildId, after, MEMBER_PAGE);
      for (const m of page) {
        if (m.user.bot) continue;
        holding.set(m.user.id, new Set(this.config.planRoles.among(m.roles)));
      }
      if (page.length < MEMBER_PAGE) break;
      after = page[page.length - 1].user.id;
    }
    const holders = [...holding].filter(([, held]) => held.size > 0).map(([id]) => id);
    const grantMembers = new Set(await this.grants.liveMembers());
    const known = new Set([
      ...(await this.profiles.premiumMembers()),
      ...(await this.ledger.membersOfInterest(guildId)),
      ...grantMembers,
    ]);
    const left = [...known].filter((id) => !holding.has(id)).length;
    const listed = await this.entitledList(guildId);
    let candidates: Iterable<string>;
    if (listed) {
      // Entitled by the list, holding a plan role, or with a grant: everyone else is entitled to nothing and
      // holds nothing to take away.
      // Members the ledger has unsettled intents for too: what it is about to apply is checked like a held role.
      const unsettled = [...listed.standing].filter(([, row]) => row.state !== 'idle').map(([id]) => id);
      candidates = new Set([...listed.members.keys(), ...holders, ...grantMembers, ...unsettled]);
    } else if (scope === 'all') candidates = holding.keys();
    else candidates = new Set([...holders, ...known]);
    return {
      source: listed ? 'list' : 'reads',
      candidates: [...candidates].filter((id) => holding.has(id)).sort(byId),
      holding,
      holdingAt,
      left,
      grantMembers,
      ...(listed ? { listed: listed.members, standing: listed.standing, listedAt: listed.at } : {}),
    };
  }

  /**
   * The backend's list of entitled members (contract 1.2), with the ledger's standing read just before it;
   * undefined when the backend does not offer it (said once, not asked again until a restart) or it failed.
   */
  private async entitledList(guildId: string) {
    if (this.listOffered === false) return undefined;
    const standing = await this.ledger.standing(guildId);
    const at = Date.now();
    const members = new Map<string, string | undefined>();
    try {
      for (let cursor: string | null = null; ;) {
        await this.budget.take();
        const page = await this.subscriptions.entitled(cursor);
        if (!page) {
          this.listOffered = false;
          this.logger.log(
            'The backend does not offer /internal/subscription/entitled (contract 1.2): sweeps read members one by one',
          );
          return undefined;
        }
        for (const id of page.discord_ids) members.set(id, page.plans?.[id]);
        if (!page.next_cursor || page.discord_ids.length === 0) break;
        cursor = page.next_cursor;
      }
    } catch (error) {
      this.logger.warn(
        `The backend's list of entitled members failed (${(error as Error).message}): reading members one by one`,
      );
      return undefined;
    }
    this.listOffered = true;
    return { members, standing, at };
  }

  /**
   * Checks the plan's candidates after `after`, in id order, telling `onChecked` each member's result in that
   * order (so `after` can be stored as progress). Reads are paced by the backend budget, a few in flight.
   * `stop` ends it early (false is returned); `pausable` walks wait while Discord's invalid-request budget is
   * half spent (the sweep's changes would add to it).
   */
  private async walk(
    plan: WalkPlan,
    after: string | null,
    onChecked: (discordId: string, result: Checked) => Promise<void>,
    { stop: shouldStop, pausable }: { stop: () => boolean; pausable: boolean },
  ): Promise<boolean> {
    const queue = after === null ? plan.candidates : plan.candidates.filter((id) => byId(id, after) > 0);
    const results = new Map<number, Checked>();
    let reported = 0;
    let next = 0;
    let stop = false;
    // Results are told in id order: a result waits for the ones before it.
    let reporting = Promise.resolve();
    const report = () => {
      reporting = reporting.then(async () => {
        while (results.has(reported)) {
          const result = results.get(reported) as Checked;
          results.delete(reported);
          await onChecked(queue[reported], result);
          reported++;
        }
      });
      return reporting;
    };
    const worker = async () => {
      while (next < queue.length) {
        while (pausable && !shouldStop() && this.discordBudget.paused()) await sleep(PAUSED_POLL_MS);
        if (shouldStop()) {
          stop = true;
          return;
        }
        const index = next++;
        results.set(index, await this.check(plan, queue[index]));
        await report();
      }
    };
    await Promise.all(Array.from({ length: Math.min(READS_IN_FLIGHT, queue.length) }, worker));
    await reporting;
    return !stop && reported === queue.length;
  }

  /** One member against the truth: from the backend's list when it names them, else one paced read. */
  private async check(plan: WalkPlan, discordId: string): Promise<Checked> {
    let basedOnVersion: number;
    let readAt: number;
    let entitled: Entitled[];
    let unsettled: ReadonlyMap<string, boolean>;
    let ledgerUpdatedAt: number | null;
    if (plan.listed?.has(discordId)) {
      const standing = plan.standing?.get(discordId);
      basedOnVersion = standing?.version ?? 0;
      unsettled = unsettledOf(standing);
      ledgerUpdatedAt = standing?.updated_at ?? null;
      readAt = plan.listedAt ?? Date.now();
      const listedPlan = plan.listed.get(discordId);
      const subscribed =
        listedPlan && this.config.planRoles.isPremium(listedPlan) ? PlanRoles.normalize(listedPlan) : undefined;
      entitled = [
        { source: 'subscription', plan: subscribed ?? (await this.subscriptionEntitlements.planOf(discordId)) },
      ];
      if (plan.grantMembers.has(discordId))
        entitled.push(...(await this.grantEntitlements.entitlementsOf(discordId, readAt)));
    } else {
      await this.budget.take();
      try {
        ({ basedOnVersion, readAt, entitled, unsettled, ledgerUpdatedAt } = await this.truth.read(
          this.config.guildId,
          discordId,
        ));
      } catch (error) {
        this.logger.warn(`Role sweep skipped ${discordId}: the truth could not be read (${(error as Error).message})`);
        return { kind: 'skipped', reason: 'backend_error' };
      }
    }
    let held = plan.holding.get(discordId) ?? new Set<string>();
    if (ledgerUpdatedAt !== null && ledgerUpdatedAt >= plan.holdingAt) {
      // The ledger changed the member after their page was read (a join applied a waiting change, a change
      // settled): the page may not show it. Read them again, after the ledger's row, so that whatever the row
      // says is applied is there, and what it has still to apply is in `unsettled`.
      const now = await this.planRolesNow(discordId);
      if (now === 'left') return { kind: 'skipped', reason: 'left' };
      if (now === undefined) return { kind: 'skipped', reason: 'outdated' };
      held = now;
    }
    const wanted = rolesForPlans(
      entitled.map((e) => e.plan),
      this.config.planRoles,
    );
    // Against what the member holds once the ledger has applied what it still has to: a change waiting for a
    // join that the truth no longer backs is replaced now, not applied after this check.
    const { add, remove } = driftOf(wanted, heldOnceSettled(held, unsettled));
    if (add.length + remove.length === 0) return { kind: 'checked' };
    return {
      kind: 'checked',
      drift: {
        discordId,
        entitled,
        held: this.config.planRoles.planHolding(held),
        add,
        remove,
        basedOnVersion,
        readAt,
      },
    };
  }

  /** The plan roles a member holds now, from Discord; 'left' when they are not in the guild, undefined unknown. */
  private async planRolesNow(discordId: string): Promise<Set<string> | 'left' | undefined> {
    const guildId = this.config.guildId;
    if (!guildId) return undefined;
    try {
      const member = await this.discord.member(guildId, discordId);
      return new Set(this.config.planRoles.among(member.roles));
    } catch (error) {
      const failure = classifyDiscordError(error);
      if (failure === 'unknown_member') return 'left';
      this.logger.warn(`Role sweep skipped ${discordId}: their roles could not be read (${failure})`);
      return undefined;
    }
  }

  /**
   * A staff decision on a held sweep, exactly once whoever clicks and however often: Apply re-checks each
   * member against the truth now and removes only what they are still not entitled to; Dismiss removes
   * nothing. Both are recorded with who decided.
   */
  async decide(sweepId: string, action: 'apply' | 'dismiss', staffId: string, now = Date.now()): Promise<BrakeOutcome> {
    if (!(await this.sweeps.claimDecision(sweepId, action, staffId, now)))
      return { kind: 'already', sweep: await this.sweep(sweepId) };
    let decision: BrakeDecision = { kind: 'dismissed', by: staffId };
    if (action === 'apply') decision = await this.applyHeld(sweepId, staffId);
    await this.sweeps.decided(sweepId, decision);
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
    for (const held of heldOf(sweep)) {
      await this.budget.take();
      let read;
      try {
        read = await this.truth.read(guildId, held.discordId);
      } catch {
        decision.skipped++;
        continue;
      }
      const remove = held.roles.filter((r) => read.wanted.get(r) === false);
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
        occurredAt: read.readAt,
        basedOnVersion: read.basedOnVersion,
      });
      if (!('answer' in stored) && stored.kind === 'accepted') decision.removed++;
      else decision.kept++;
    }
    return decision;
  }
}
