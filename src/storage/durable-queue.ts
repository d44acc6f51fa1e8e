import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { DatabaseService } from './database.service';
import type { JobColumns, QueueColumns } from './tables';

export type QueueTableName = 'notifications' | 'outbound_events' | 'member_checks';

/** A queue's job kinds and the payload each carries (null: none), checked at compile time. */
export type JobMap<Jobs> = Record<keyof Jobs, object | null>;

/** The columns of one of a queue's jobs. */
export type JobRow<Jobs extends JobMap<Jobs>> = JobColumns<keyof Jobs & string, string>;

/** A job as its handler gets it: its row, with its payload read back as the type its kind carries. */
export type Job<Jobs extends JobMap<Jobs>, Row extends JobRow<Jobs>> = {
  [K in keyof Jobs & string]: Row & { kind: K; data: Jobs[K] };
}[keyof Jobs & string];

/** A job to queue. */
export type NewJob<Jobs extends JobMap<Jobs>> = {
  [K in keyof Jobs & string]: {
    kind: K;
    /** The member the job is about. */
    discordId: string;
    payload: Jobs[K];
    /** One job per key within the queue's de-duplication window. */
    dedupKey?: string;
  };
}[keyof Jobs & string];

/** What queuing a job came to: stored now, or the job already stored under its de-duplication key. */
export type Enqueued<Row> = { duplicate: false; row: Row } | { duplicate: true; row: Row };

export interface QueuePolicy {
  /** How long a claimed item stays with its worker; a worker that dies gives it back when this runs out. */
  leaseMs: number;
  /** Tries before the item is declared dead. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** How one table is used as a queue. */
export interface QueueDefinition<Jobs extends JobMap<Jobs>, Row extends JobRow<Jobs>> {
  table: QueueTableName;
  /** The first letter of the ids of its jobs. */
  idPrefix: string;
  policy: QueuePolicy;
  /** One job per de-duplication key within this window; an older one gives its key up to the new one. */
  dedupWindowMs: number;
  /** The table's own columns of a new job, beyond the queue's and the job's. */
  columns: (job: NewJob<Jobs>) => Omit<Row, keyof JobRow<Jobs>>;
}

/** A short unique id, also usable as a Discord message nonce (at most 25 characters). */
export function newQueueId(prefix: string): string {
  // randomUUID draws from a buffered pool: a fresh randomBytes call per id cost more than the insert's SQL.
  return `${prefix}${Date.now().toString(36)}${randomUUID().slice(-12)}`.slice(0, 25);
}

/**
 * The queue columns of a new item: due now, unclaimed, or already claimed by `owner` for `leaseMs` when its
 * first attempt is made right away by the one who stores it.
 */
export function newQueueItem(
  prefix: string,
  now: number,
  claim?: { owner: string; leaseMs: number },
): QueueColumns<never> {
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

/** The final states of a queue's rows (neither `pending` nor `dead`, which the queue itself decides). */
export type FinalState<Row extends QueueColumns> = Exclude<Row['state'], 'pending' | 'dead'>;

/**
 * A table used as a queue of typed jobs: at-least-once delivery with a lease. Claims are one atomic statement
 * (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite has a single writer), so several workers, in one
 * process or in several replicas, never hold the same item at once. Every state change checks the
 * lease owner, so a worker whose lease ran out cannot overwrite the one that took the item over.
 */
export class DurableQueue<Jobs extends JobMap<Jobs>, Row extends JobRow<Jobs>> {
  readonly table: QueueTableName;
  readonly policy: QueuePolicy;

  constructor(
    private readonly database: DatabaseService,
    private readonly definition: QueueDefinition<Jobs, Row>,
  ) {
    this.table = definition.table;
    this.policy = definition.policy;
  }

  private get db() {
    return this.database.db;
  }

  /**
   * Stores a job: due now, or already claimed by `claimFor` when its first attempt is made right away by the
   * caller. With a de-duplication key, a job stored under the same key within the window is found instead.
   * One statement on the common path.
   */
  async enqueue(job: NewJob<Jobs>, options: { claimFor?: string | null; now?: number } = {}): Promise<Enqueued<Row>> {
    const now = options.now ?? Date.now();
    const claim = options.claimFor ? { owner: options.claimFor, leaseMs: this.policy.leaseMs } : undefined;
    for (let tries = 0; tries < 3; tries++) {
      const row = {
        ...newQueueItem(this.definition.idPrefix, now, claim),
        kind: job.kind,
        discord_id: job.discordId,
        payload: job.payload === null ? null : JSON.stringify(job.payload),
        dedup_key: job.dedupKey ?? null,
        dedup_until: job.dedupKey === undefined ? null : now + this.definition.dedupWindowMs,
        ...this.definition.columns(job),
      } as unknown as Row;
      const columns = Object.keys(row);
      const values = Object.values(row) as unknown[];
      const inserted = await sql<Row>`
        insert into ${sql.table(this.table)} (${sql.join(columns.map((c) => sql.ref(c)))})
        values (${sql.join(values)})
        on conflict do nothing
        returning *`.execute(this.db);
      if (inserted.rows.length === 1) return { duplicate: false, row: inserted.rows[0] };
      if (job.dedupKey === undefined) break;

      const existing = await this.find(job.dedupKey);
      if (existing && Number(existing.dedup_until) > now) return { duplicate: true, row: existing };
      if (existing) {
        // The old one is past its window: it keeps its history under a retired key, the new one takes the key.
        await sql`
          update ${sql.table(this.table)} set dedup_key = ${`${job.dedupKey}#${existing.id}`}
          where id = ${existing.id} and dedup_key = ${job.dedupKey}`.execute(this.db);
      }
    }
    throw new Error(`could not store ${this.table} job ${job.dedupKey ?? job.kind}`);
  }

  /** The job stored under a de-duplication key, if there is one. */
  async find(dedupKey: string): Promise<Row | undefined> {
    const result = await sql<Row>`select * from ${sql.table(this.table)} where dedup_key = ${dedupKey}`.execute(
      this.db,
    );
    return result.rows[0];
  }

  /** The latest jobs about a member, newest first. */
  async recent(discordId: string, limit: number): Promise<Row[]> {
    const result = await sql<Row>`
      select * from ${sql.table(this.table)} where discord_id = ${discordId}
      order by created_at desc, id desc limit ${limit}`.execute(this.db);
    return result.rows;
  }

  /** A stored row as its job: the payload read back as its kind's type. */
  read(row: Row): Job<Jobs, Row> {
    const data: unknown = row.payload === null ? null : JSON.parse(row.payload);
    return { ...row, data } as Job<Jobs, Row>;
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
    state: FinalState<Row>,
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
  async requeue(id: string, from: readonly Row['state'][], now = Date.now()): Promise<Row | undefined> {
    const result = await sql<Row>`
      update ${sql.table(this.table)}
      set state = 'pending', attempts = 0, next_attempt_at = ${now}, lease_owner = null, lease_until = null,
          last_error = null, delivered_at = null
      where id = ${id} and state in (${sql.join(from)})
      returning *`.execute(this.db);
    return result.rows[0];
  }

  /** Forgets items that ended (in a final state or dead) longer than `keepMs` ago; how many. */
  async purgeEnded(keepMs: number, now = Date.now()): Promise<number> {
    const result = await sql`
      delete from ${sql.table(this.table)}
      where state <> 'pending' and coalesce(delivered_at, created_at) < ${now - keepMs}`.execute(this.db);
    return Number(result.numAffectedRows ?? 0);
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
