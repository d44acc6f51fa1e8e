import { Injectable } from '@nestjs/common';
import type { Transaction } from 'kysely';
import { DatabaseService } from '../storage/database.service';
import { newQueueId } from '../storage/durable-queue';
import { STALE_REASON, SUPERSEDED_REASON } from './role-reasons';
import type {
  MemberRolesTable,
  PendingRoleChangeTable,
  RoleChangeSource,
  RoleChangeState,
  RoleChangeTable,
  Tables,
} from '../storage/tables';

export type RoleOutcome = 'added' | 'removed' | 'unchanged' | 'failed';
export interface RoleResult {
  role_id: string;
  outcome: RoleOutcome;
  reason?: string;
}

/** Changes waiting for someone who has not joined are kept this long, then forgotten. */
const PENDING_ROLE_CHANGE_TTL_MS = 90 * 24 * 60 * 60 * 1000;
/** How long a converger pass holds a member; renewed while the pass runs, so a crash frees it this soon. */
const MEMBER_LEASE_MS = 15_000;

/** The intended presence of one role, and how far it is applied. */
export interface DesiredRole {
  want: boolean;
  /** The intent that set `want`. */
  v: number;
  /** The intent whose `want` is applied (equal to v once done). */
  done?: number;
  outcome?: RoleOutcome;
  reason?: string;
}
export type DesiredRoles = Record<string, DesiredRole>;

/** A role change as a source states it: each role to be present (true) or absent (false). */
export interface RoleIntent {
  guildId: string;
  discordId: string;
  changes: ReadonlyMap<string, boolean>;
  source: RoleChangeSource;
  actorId?: string | null;
  plan?: string | null;
  /** The billing event's time (epoch ms): an intent older than the one applied is stale. */
  occurredAt?: number | null;
  /**
   * For intents computed from a read of the member's state (sync, sweep): the version that read saw. If a
   * newer intent arrived since, this one is dropped: the newer one wins. Otherwise it applies, whatever
   * occurred_at the stored intents claim (the read saw the truth after every one of them).
   */
  basedOnVersion?: number;
}

export type Submission =
  | { kind: 'accepted'; change: RoleChangeTable }
  | { kind: 'stale'; change: RoleChangeTable }
  /** basedOnVersion was no longer the member's version: nothing stored. */
  | { kind: 'outdated' };

/** What one converger pass did to one role, for the intent `v`. */
export interface PassOutcome {
  v: number;
  outcome: RoleOutcome;
  reason?: string;
}

export interface SettleResult {
  /** Changes that reached a final state (or waiting_join) in this step. */
  settled: RoleChangeTable[];
  /** The member row, still leased to the caller, when newer intents arrived during the pass. */
  again: MemberRolesTable | null;
}

type Trx = Transaction<Tables>;

/** What a join means for the member's roles: work to apply, nothing, or a member the ledger never heard of. */
export type JoinOutcome = 'work' | 'nothing' | 'unknown';

/** Where the ledger stands for one member: its version, what it has still to apply, when it last changed. */
export type Standing = Pick<MemberRolesTable, 'version' | 'state' | 'desired' | 'updated_at'>;

export function parseDesired(row: Pick<MemberRolesTable, 'desired'>): DesiredRoles {
  return JSON.parse(row.desired) as DesiredRoles;
}

export function changesOf(change: Pick<RoleChangeTable, 'changes'>): Record<string, boolean> {
  return JSON.parse(change.changes) as Record<string, boolean>;
}

export function resultsOf(change: Pick<RoleChangeTable, 'results'>): RoleResult[] {
  return change.results === null ? [] : (JSON.parse(change.results) as RoleResult[]);
}

/**
 * The durable half of role truth: each member's intended roles, the numbered intents that set them, and
 * the lease under which one converger at a time applies them. Every write happens in a transaction that
 * holds the member's row (FOR UPDATE on PostgreSQL; SQLite has one writer), so concurrent sources and
 * replicas cannot lose an intent or apply an older one over a newer.
 */
@Injectable()
export class RoleLedger {
  constructor(private readonly database: DatabaseService) {}

  private get db() {
    return this.database.db;
  }

  /** Stores an intent as the member's latest, unless it is stale (older occurred_at) or outdated. */
  async submit(intent: RoleIntent, now = Date.now()): Promise<Submission> {
    const once = () => this.db.transaction().execute((trx) => this.submitIn(trx, intent, now));
    // 'raced': another source created the member's row at the same instant; the second try finds it.
    const result = await once();
    return result === 'raced' ? this.orThrow(await once()) : result;
  }

  private orThrow(result: Submission | 'raced'): Submission {
    if (result === 'raced') throw new Error('member_roles row could not be created nor found');
    return result;
  }

  private async submitIn(trx: Trx, intent: RoleIntent, now: number): Promise<Submission | 'raced'> {
    const existing = await this.lockExisting(trx, intent.guildId, intent.discordId);
    const row = existing ?? emptyMember(intent.guildId, intent.discordId, now);
    if (intent.basedOnVersion !== undefined && intent.basedOnVersion !== row.version) return { kind: 'outdated' };
    const occurredAt = intent.occurredAt ?? null;
    const base = {
      id: newQueueId('r'),
      guild_id: intent.guildId,
      discord_id: intent.discordId,
      source: intent.source,
      actor_id: intent.actorId ?? null,
      plan: intent.plan ?? null,
      changes: JSON.stringify(Object.fromEntries(intent.changes)),
      occurred_at: occurredAt,
      created_at: now,
    };
    // A truth read (basedOnVersion) is newer than everything stored when no intent arrived while it was read:
    // it applies whatever time a past event claimed. Only an event from the backend can be stale.
    const read = intent.basedOnVersion !== undefined;
    if (!read && occurredAt !== null && row.occurred_at !== null && occurredAt < row.occurred_at) {
      const results = [...intent.changes.keys()].map((role_id): RoleResult => ({
        role_id,
        outcome: 'unchanged',
        reason: STALE_REASON,
      }));
      const change: RoleChangeTable = {
        ...base,
        version: row.version,
        state: 'stale',
        results: JSON.stringify(results),
        settled_at: now,
      };
      await trx.insertInto('role_changes').values(change).execute();
      return { kind: 'stale', change };
    }
    const version = row.version + 1;
    const desired = parseDesired(row);
    for (const [roleId, want] of intent.changes) desired[roleId] = { want, v: version };
    const next = {
      version,
      desired: JSON.stringify(desired),
      occurred_at: occurredAt === null ? row.occurred_at : Math.max(occurredAt, row.occurred_at ?? occurredAt),
      // A member parked as "not in the guild" is looked up again: they may have joined unseen.
      state: 'pending' as const,
      attempts: 0,
      next_attempt_at: now,
      last_error: null,
      expires_at: null,
      updated_at: now,
    };
    if (existing) {
      await trx
        .updateTable('member_roles')
        .set(next)
        .where('guild_id', '=', intent.guildId)
        .where('discord_id', '=', intent.discordId)
        .execute();
    } else {
      const inserted = await trx
        .insertInto('member_roles')
        .values({ ...row, ...next })
        .onConflict((oc) => oc.columns(['guild_id', 'discord_id']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) return 'raced';
    }
    const change: RoleChangeTable = { ...base, version, state: 'pending', results: null, settled_at: null };
    await trx.insertInto('role_changes').values(change).execute();
    return { kind: 'accepted', change };
  }

  /** The member's row, if there is one, locked for the rest of the transaction. */
  private lockExisting(trx: Trx, guildId: string, discordId: string): Promise<MemberRolesTable | undefined> {
    let query = trx
      .selectFrom('member_roles')
      .selectAll()
      .where('guild_id', '=', guildId)
      .where('discord_id', '=', discordId);
    if (this.database.dialect === 'postgres') query = query.forUpdate();
    return query.executeTakeFirst();
  }

  member(guildId: string, discordId: string): Promise<MemberRolesTable | undefined> {
    return this.db
      .selectFrom('member_roles')
      .selectAll()
      .where('guild_id', '=', guildId)
      .where('discord_id', '=', discordId)
      .executeTakeFirst();
  }

  change(id: string): Promise<RoleChangeTable | undefined> {
    return this.db.selectFrom('role_changes').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Changes stored for absent members before the ledger existed (the table is only ever emptied). */
  legacyPending(): Promise<PendingRoleChangeTable[]> {
    return this.db.selectFrom('pending_role_changes').selectAll().execute();
  }

  async dropLegacyPending(guildId: string, discordId: string): Promise<void> {
    await this.db
      .deleteFrom('pending_role_changes')
      .where('guild_id', '=', guildId)
      .where('discord_id', '=', discordId)
      .execute();
  }

  /** The member's latest role changes, newest first (history for staff). */
  recentChanges(discordId: string, limit: number): Promise<RoleChangeTable[]> {
    return this.db
      .selectFrom('role_changes')
      .selectAll()
      .where('discord_id', '=', discordId)
      .orderBy('created_at', 'desc')
      .orderBy('version', 'desc')
      .limit(limit)
      .execute();
  }

  /** Takes this member for a pass, if it has work and nobody holds it. */
  async tryClaim(
    guildId: string,
    discordId: string,
    owner: string,
    now = Date.now(),
  ): Promise<MemberRolesTable | null> {
    const row = await this.db
      .updateTable('member_roles')
      .set({ lease_owner: owner, lease_until: now + MEMBER_LEASE_MS, attempts: (eb) => eb('attempts', '+', 1) })
      .where('guild_id', '=', guildId)
      .where('discord_id', '=', discordId)
      .where('state', '=', 'pending')
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .returningAll()
      .executeTakeFirst();
    return row ?? null;
  }

  /** Takes up to `limit` members with due work for `owner` (the worker). */
  async claimDue(owner: string, limit: number, now = Date.now()): Promise<MemberRolesTable[]> {
    if (limit <= 0) return [];
    let due = this.db
      .selectFrom('member_roles')
      .select(['guild_id', 'discord_id'])
      .where('state', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .orderBy('next_attempt_at')
      .limit(limit);
    if (this.database.dialect === 'postgres') due = due.forUpdate().skipLocked();
    return this.db
      .updateTable('member_roles')
      .set({ lease_owner: owner, lease_until: now + MEMBER_LEASE_MS, attempts: (eb) => eb('attempts', '+', 1) })
      .where((eb) => eb(eb.refTuple('guild_id', 'discord_id'), 'in', due.$asTuple('guild_id', 'discord_id')))
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .returningAll()
      .execute();
  }

  /** Extends every lease `owner` holds (its passes are still running). */
  async renewLeases(owner: string, now = Date.now()): Promise<void> {
    await this.db
      .updateTable('member_roles')
      .set({ lease_until: now + MEMBER_LEASE_MS })
      .where('lease_owner', '=', owner)
      .execute();
  }

  /** The member's row as the lease holder sees it now; undefined when the lease was lost. */
  async reread(row: MemberRolesTable, owner: string): Promise<MemberRolesTable | undefined> {
    return this.db
      .selectFrom('member_roles')
      .selectAll()
      .where('guild_id', '=', row.guild_id)
      .where('discord_id', '=', row.discord_id)
      .where('lease_owner', '=', owner)
      .executeTakeFirst();
  }

  /** Gives the member back after a failed attempt; due again after `delayMs`. */
  async retryLater(row: MemberRolesTable, owner: string, error: string, delayMs: number, now = Date.now()) {
    await this.db
      .updateTable('member_roles')
      .set({
        next_attempt_at: now + delayMs,
        lease_owner: null,
        lease_until: null,
        last_error: error.slice(0, 500),
        updated_at: now,
      })
      .where('guild_id', '=', row.guild_id)
      .where('discord_id', '=', row.discord_id)
      .where('lease_owner', '=', owner)
      .execute();
  }

  /**
   * The member is not in the guild: their changes wait for a join (90 days), unless a join was seen while
   * the pass ran, in which case they are due again at once.
   */
  async park(seen: MemberRolesTable, owner: string, now = Date.now()): Promise<RoleChangeTable[]> {
    return this.db.transaction().execute(async (trx) => {
      const row = await this.lockExisting(trx, seen.guild_id, seen.discord_id);
      if (row?.lease_owner !== owner) return [];
      const joined = row.joins !== seen.joins;
      await trx
        .updateTable('member_roles')
        .set({
          state: joined ? 'pending' : 'waiting_join',
          next_attempt_at: now,
          expires_at: joined ? null : (row.expires_at ?? now + PENDING_ROLE_CHANGE_TTL_MS),
          lease_owner: null,
          lease_until: null,
          last_error: null,
          updated_at: now,
        })
        .where('guild_id', '=', row.guild_id)
        .where('discord_id', '=', row.discord_id)
        .execute();
      if (joined) return [];
      const waiting = await trx
        .updateTable('role_changes')
        .set({ state: 'waiting_join' })
        .where('guild_id', '=', row.guild_id)
        .where('discord_id', '=', row.discord_id)
        .where('state', '=', 'pending')
        .returningAll()
        .execute();
      return waiting;
    });
  }

  /**
   * Records a pass: each role's outcome for the intent it applied. When `complete`, every intent up to
   * `upTo` is settled and each of those changes gets its results: the outcome of its roles, or
   * "superseded" for a role a later intent set. The lease is kept (and the row returned) when newer
   * intents arrived meanwhile, so the caller goes on with the next pass.
   */
  async settle(
    seen: MemberRolesTable,
    owner: string,
    upTo: number,
    outcomes: ReadonlyMap<string, PassOutcome>,
    complete: boolean,
    now = Date.now(),
  ): Promise<SettleResult> {
    return this.db.transaction().execute(async (trx) => {
      const row = await this.lockExisting(trx, seen.guild_id, seen.discord_id);
      if (row?.lease_owner !== owner) return { settled: [], again: null };
      const desired = parseDesired(row);
      for (const [roleId, o] of outcomes) {
        const entry = desired[roleId];
        if (entry && entry.v === o.v) desired[roleId] = { ...entry, done: o.v, outcome: o.outcome, reason: o.reason };
      }
      const member = trx
        .updateTable('member_roles')
        .where('guild_id', '=', row.guild_id)
        .where('discord_id', '=', row.discord_id);
      if (!complete) {
        await member.set({ desired: JSON.stringify(desired), updated_at: now }).execute();
        return { settled: [], again: null };
      }
      const more = row.version > upTo;
      const next = {
        desired: JSON.stringify(desired),
        applied_version: Math.max(row.applied_version, upTo),
        state: more ? ('pending' as const) : ('idle' as const),
        attempts: 0,
        next_attempt_at: now,
        last_error: null,
        expires_at: null,
        lease_owner: more ? owner : null,
        lease_until: more ? now + MEMBER_LEASE_MS : null,
        updated_at: now,
      };
      await member.set(next).execute();
      const open = await trx
        .selectFrom('role_changes')
        .selectAll()
        .where('guild_id', '=', row.guild_id)
        .where('discord_id', '=', row.discord_id)
        .where('version', '<=', upTo)
        .where('state', 'in', ['pending', 'waiting_join'])
        .execute();
      const settled: RoleChangeTable[] = [];
      for (const change of open) {
        const results = resultsFor(change, desired, outcomes);
        const state = stateOf(results);
        await trx
          .updateTable('role_changes')
          .set({ state, results: JSON.stringify(results), settled_at: now })
          .where('id', '=', change.id)
          .execute();
        settled.push({ ...change, state, results: JSON.stringify(results), settled_at: now });
      }
      return { settled, again: more ? { ...row, ...next } : null };
    });
  }

  /**
   * A member joined: changes waiting for them are due now (or expire, past 90 days); for a member the
   * ledger already knows, the roles they should hold are asserted again (Discord drops roles on leave).
   * Returns whether there is work to do, or `unknown` for a member the ledger has no row of.
   */
  async memberJoined(guildId: string, discordId: string, now = Date.now()): Promise<JoinOutcome> {
    return this.db.transaction().execute(async (trx) => {
      const row = await this.lockExisting(trx, guildId, discordId);
      if (!row) return 'unknown';
      const member = trx
        .updateTable('member_roles')
        .where('guild_id', '=', guildId)
        .where('discord_id', '=', discordId);
      if (isExpired(row, now)) {
        await this.expireIn(trx, row, now, { joins: row.joins + 1 });
        return 'nothing';
      }
      const desired = parseDesired(row);
      if (row.state !== 'idle') {
        await member
          .set({ state: 'pending', joins: row.joins + 1, next_attempt_at: now, expires_at: null, updated_at: now })
          .execute();
        await trx
          .updateTable('role_changes')
          .set({ state: 'pending' })
          .where('guild_id', '=', guildId)
          .where('discord_id', '=', discordId)
          .where('state', '=', 'waiting_join')
          .execute();
        return 'work';
      }
      const held = Object.entries(desired).filter(([, d]) => d.want);
      if (held.length === 0) {
        await member.set({ joins: row.joins + 1, updated_at: now }).execute();
        return 'nothing';
      }
      const version = row.version + 1;
      for (const [roleId] of held) desired[roleId] = { want: true, v: version };
      await member
        .set({
          version,
          desired: JSON.stringify(desired),
          state: 'pending',
          joins: row.joins + 1,
          attempts: 0,
          next_attempt_at: now,
          updated_at: now,
        })
        .execute();
      await trx
        .insertInto('role_changes')
        .values({
          id: newQueueId('r'),
          guild_id: guildId,
          discord_id: discordId,
          version,
          source: 'join',
          actor_id: null,
          plan: null,
          changes: JSON.stringify(Object.fromEntries(held.map(([roleId]) => [roleId, true]))),
          occurred_at: null,
          state: 'pending',
          results: null,
          created_at: now,
          settled_at: null,
        })
        .execute();
      return 'work';
    });
  }

  /**
   * Changes that waited 90 days for a member who never joined are dropped (expired), so waiting rows do not
   * pile up: a member left with nothing intended is forgotten. Returns how many members were expired.
   */
  async expireUnjoined(now = Date.now(), limit = 500): Promise<number> {
    const due = await this.db
      .selectFrom('member_roles')
      .select(['guild_id', 'discord_id'])
      .where('state', '=', 'waiting_join')
      .where('expires_at', '<', now)
      .limit(limit)
      .execute();
    let expired = 0;
    for (const { guild_id, discord_id } of due) {
      const done = await this.db.transaction().execute(async (trx) => {
        const row = await this.lockExisting(trx, guild_id, discord_id);
        if (!row || !isExpired(row, now)) return false;
        await this.expireIn(trx, row, now, {});
        return true;
      });
      if (done) expired++;
    }
    return expired;
  }

  /** Drops what was never applied for a member whose wait expired, and marks their open changes expired. */
  private async expireIn(trx: Trx, row: MemberRolesTable, now: number, extra: { joins?: number }): Promise<void> {
    const desired = parseDesired(row);
    for (const [roleId, d] of Object.entries(desired)) if (d.done !== d.v) delete desired[roleId];
    const member = trx
      .updateTable('member_roles')
      .where('guild_id', '=', row.guild_id)
      .where('discord_id', '=', row.discord_id);
    if (Object.keys(desired).length === 0 && extra.joins === undefined) {
      await trx
        .deleteFrom('member_roles')
        .where('guild_id', '=', row.guild_id)
        .where('discord_id', '=', row.discord_id)
        .execute();
    } else {
      await member
        .set({
          desired: JSON.stringify(desired),
          applied_version: row.version,
          state: 'idle',
          expires_at: null,
          updated_at: now,
          ...extra,
        })
        .execute();
    }
    await trx
      .updateTable('role_changes')
      .set({ state: 'expired', settled_at: now })
      .where('guild_id', '=', row.guild_id)
      .where('discord_id', '=', row.discord_id)
      .where('state', 'in', ['pending', 'waiting_join'])
      .execute();
  }

  /** Members of the guild the ledger wants to hold a role, or with changes not applied yet (the sweep). */
  async membersOfInterest(guildId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('member_roles')
      .select('discord_id')
      .where('guild_id', '=', guildId)
      .where((eb) => eb.or([eb('state', '!=', 'idle'), eb('desired', 'like', '%"want":true%')]))
      .execute();
    return rows.map((r) => r.discord_id);
  }

  /** Members whose pass stopped with `error` (a role Discord refused, now fixed) are due again now. */
  async dueNow(guildId: string, error: string, now = Date.now()): Promise<void> {
    await this.db
      .updateTable('member_roles')
      .set({ next_attempt_at: now })
      .where('guild_id', '=', guildId)
      .where('state', '=', 'pending')
      .where('last_error', 'like', `${error}%`)
      .execute();
  }

  /**
   * Each member of the guild the ledger knows: their version (a sweep's intents are based on them), and what is
   * still to apply to them.
   */
  async standing(guildId: string): Promise<Map<string, Standing>> {
    const rows = await this.db
      .selectFrom('member_roles')
      .select(['discord_id', 'version', 'state', 'desired', 'updated_at'])
      .where('guild_id', '=', guildId)
      .execute();
    return new Map(rows.map(({ discord_id, ...row }) => [discord_id, row]));
  }

  /** The states of these changes (the sweep waits for its own). */
  async changeStates(ids: string[]): Promise<RoleChangeTable[]> {
    const rows: RoleChangeTable[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const slice = ids.slice(i, i + 500);
      rows.push(...(await this.db.selectFrom('role_changes').selectAll().where('id', 'in', slice).execute()));
    }
    return rows;
  }

  /** Members with changes still waiting for the worker (for metrics). */
  async stats(now = Date.now()): Promise<{ depth: number; oldestAgeMs: number | null }> {
    const row = await this.db
      .selectFrom('role_changes')
      .select((eb) => [eb.fn.countAll<number | string>().as('depth'), eb.fn.min('created_at').as('oldest')])
      .where('state', '=', 'pending')
      .executeTakeFirst();
    const oldest = row?.oldest === null || row?.oldest === undefined ? null : Number(row.oldest);
    return { depth: Number(row?.depth ?? 0), oldestAgeMs: oldest === null ? null : now - oldest };
  }
}

/** A member whose changes waited for a join longer than they are kept. */
function isExpired(row: MemberRolesTable, now: number): boolean {
  return row.state === 'waiting_join' && row.expires_at !== null && row.expires_at < now;
}

/** A member the ledger has not seen yet: nothing intended, nothing applied. */
function emptyMember(guildId: string, discordId: string, now: number): MemberRolesTable {
  return {
    guild_id: guildId,
    discord_id: discordId,
    version: 0,
    applied_version: 0,
    occurred_at: null,
    desired: '{}',
    state: 'idle',
    joins: 0,
    attempts: 0,
    next_attempt_at: now,
    lease_owner: null,
    lease_until: null,
    last_error: null,
    expires_at: null,
    updated_at: now,
  };
}

/** A settled change's results: its roles' outcomes in the pass that applied them, or superseded. */
function resultsFor(
  change: RoleChangeTable,
  desired: DesiredRoles,
  outcomes: ReadonlyMap<string, PassOutcome>,
): RoleResult[] {
  return Object.keys(changesOf(change)).map((role_id): RoleResult => {
    const now = outcomes.get(role_id);
    const entry = desired[role_id];
    const applied = now?.v === change.version ? now : entry?.done === change.version ? entry : undefined;
    if (!applied?.outcome) return { role_id, outcome: 'unchanged', reason: SUPERSEDED_REASON };
    return { role_id, outcome: applied.outcome, ...(applied.reason ? { reason: applied.reason } : {}) };
  });
}

function stateOf(results: RoleResult[]): RoleChangeState {
  if (results.length > 0 && results.every((r) => r.reason === SUPERSEDED_REASON)) return 'superseded';
  return results.some((r) => r.outcome === 'failed') ? 'failed' : 'applied';
}
