import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { DatabaseService } from './database.service';
import type { QueueColumns } from './tables';

export type QueueTableName = 'notifications' | 'outbound_events';

export interface QueuePolicy {
  /** How long a claimed item stays with its worker; a worker that dies gives it back when this runs out. */
  leaseMs: number;
  /** Tries before the item is declared dead. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** A short unique id, also usable as a Discord message nonce (at most 25 characters). */
export function newQueueId(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${randomBytes(6).toString('hex')}`.slice(0, 25);
}

/**
 * The queue columns of a new item: due now, unclaimed, or already claimed by `owner` for `leaseMs` when its
 * first attempt is made right away by the one who stores it.
 */
export function newQueueItem(prefix: string, now: number, claim?: { owner: string; leaseMs: number }): QueueColumns {
  return {
    id: newQueueId(prefix),
    state: 'pending',
    attempts: claim ? 1 : 0,
    next_attempt_at: now,
    lease_owner: claim?.owner ?? null,
    lease_until: claim ? now + claim.leaseMs : null,
    last_error: null,
    created_at: now,
    delivered_at: null,
  };
}

/** Exponential backoff with full jitter: a random wait up to base * 2^(attempt-1), capped. */
export function backoffDelay(attempt: number, policy: QueuePolicy, random = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * A table used as a queue: at-least-once delivery with a lease. Claims are one atomic statement
 * (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite has a single writer), so several workers, in one
 * process or in several replicas, never hold the same item at once. Every state change checks the
 * lease owner, so a worker whose lease ran out cannot overwrite the one that took the item over.
 */
export class DurableQueue<Row extends QueueColumns> {
  constructor(
    private readonly database: DatabaseService,
    readonly table: QueueTableName,
    readonly policy: QueuePolicy,
  ) {}

  private get db() {
    return this.database.db;
  }

  /** Takes up to `limit` due items for `owner`, counting one more attempt on each. */
  async claim(owner: string, limit: number, now = Date.now()): Promise<Row[]> {
    if (limit <= 0) return [];
    const lock = this.database.dialect === 'postgres' ? sql`for update skip locked` : sql``;
    const t = sql.table(this.table);
    const result = await sql<Row>`
      update ${t} set lease_owner = ${owner}, lease_until = ${now + this.policy.leaseMs}, attempts = attempts + 1
      where id in (
        select id from ${t}
        where state = 'pending' and next_attempt_at <= ${now} and (lease_until is null or lease_until < ${now})
        order by next_attempt_at
        limit ${limit}
        ${lock}
      )
      returning *`.execute(this.db);
    return result.rows;
  }

  /** Ends an item in a final state. False when the lease was lost (another worker owns it now). */
  async finish(
    id: string,
    owner: string,
    state: string,
    now = Date.now(),
    error: string | null = null,
  ): Promise<boolean> {
    const result = await sql`
      update ${sql.table(this.table)}
      set state = ${state}, delivered_at = ${now}, lease_owner = null, lease_until = null, last_error = ${error}
      where id = ${id} and lease_owner = ${owner}`.execute(this.db);
    return Number(result.numAffectedRows ?? 0) === 1;
  }

  /**
   * Gives the item back after a failed attempt: due again after a backoff, or `dead` once the attempts are
   * used up. `immediately` gives it back without counting a wait (the attempt did not really happen).
   */
  async retry(
    row: Pick<Row, 'id' | 'attempts'>,
    owner: string,
    error: string,
    options: { now?: number; immediately?: boolean } = {},
  ): Promise<'pending' | 'dead'> {
    const now = options.now ?? Date.now();
    const dead = !options.immediately && row.attempts >= this.policy.maxAttempts;
    const next = options.immediately ? now : now + backoffDelay(row.attempts, this.policy);
    await sql`
      update ${sql.table(this.table)}
      set state = ${dead ? 'dead' : 'pending'}, next_attempt_at = ${next}, lease_owner = null, lease_until = null,
          last_error = ${error.slice(0, 500)}, attempts = attempts - ${options.immediately ? 1 : 0}
      where id = ${row.id} and lease_owner = ${owner}`.execute(this.db);
    return dead ? 'dead' : 'pending';
  }

  /** Puts an item in one of these final states back in the queue, due now with fresh attempts. */
  async requeue(id: string, from: string[], now = Date.now()): Promise<Row | undefined> {
    const result = await sql<Row>`
      update ${sql.table(this.table)}
      set state = 'pending', attempts = 0, next_attempt_at = ${now}, lease_owner = null, lease_until = null,
          last_error = null, delivered_at = null
      where id = ${id} and state in (${sql.join(from)})
      returning *`.execute(this.db);
    return result.rows[0];
  }

  /** Items waiting to be delivered, and the age of the oldest (for metrics). */
  async stats(now = Date.now()): Promise<{ depth: number; oldestAgeMs: number | null }> {
    const result = await sql<{ depth: number | string; oldest: number | string | null }>`
      select count(*) as depth, min(created_at) as oldest from ${sql.table(this.table)} where state = 'pending'`.execute(
      this.db,
    );
    const row = result.rows[0];
    const oldest = row?.oldest === null || row?.oldest === undefined ? null : Number(row.oldest);
    return { depth: Number(row?.depth ?? 0), oldestAgeMs: oldest === null ? null : now - oldest };
  }
}
