import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DatabaseService } from '../../storage/database.service';
import { INSTANCE_ID } from '../../storage/instance-id';
import { runEvery } from '../background-task';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * How long a reservation outlives the last sign of life of the process serving it. The owner renews its
 * leases every RENEW_EVERY_MS while it serves them, so a key whose process crashed is free within a second,
 * and a retry is answered within the contract's 5 s.
 */
export const IDEMPOTENCY_LEASE_MS = 1_000;
const RENEW_EVERY_MS = 250;

export type Reservation =
  | { kind: 'reserved' }
  | { kind: 'replay'; statusCode: number; body: unknown }
  | { kind: 'conflict' }
  | { kind: 'in_progress' };

/** How often keys past their 24 h are removed (a key is also dropped when it comes back after expiring). */
const PURGE_EVERY_MS = 60 * 60 * 1000;

/**
 * Idempotency keys, kept 24 h in the database so a replay survives restarts and spans replicas. A key being
 * served belongs to its process (owner) under a lease that the process renews while it lives.
 */
@Injectable()
export class IdempotencyStore implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IdempotencyStore.name);
  private purgeTimer: NodeJS.Timeout | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  /** The keys this process is serving now. */
  private readonly held = new Set<string>();
  /** Whose reservations this store makes: this process. */
  readonly owner: string = INSTANCE_ID;

  constructor(private readonly database: DatabaseService) {}

  onApplicationBootstrap(): void {
    this.purgeTimer = runEvery(PURGE_EVERY_MS, 'Purge', this.logger, () => this.purgeExpired());
  }

  onApplicationShutdown(): void {
    clearInterval(this.purgeTimer);
    clearInterval(this.renewTimer);
  }

  /** Claims `key` for a request, or says what the first request with that key produced. */
  async reserve(key: string, requestHash: string, now = Date.now()): Promise<Reservation> {
    const db = this.database.db;
    await db.deleteFrom('idempotency_keys').where('key', '=', key).where('expires_at', '<', now).execute();
    const inserted = await db
      .insertInto('idempotency_keys')
      .values({
        key,
        request_hash: requestHash,
        status_code: null,
        response_body: null,
        created_at: now,
        expires_at: now + IDEMPOTENCY_TTL_MS,
        owner: this.owner,
        lease_until: now + IDEMPOTENCY_LEASE_MS,
      })
      .onConflict((oc) => oc.column('key').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return this.hold(key);

    const row = await db.selectFrom('idempotency_keys').selectAll().where('key', '=', key).executeTakeFirst();
    if (!row) return this.reserve(key, requestHash, now);
    if (row.request_hash !== requestHash) return { kind: 'conflict' };
    if (row.status_code !== null) {
      return { kind: 'replay', statusCode: row.status_code, body: JSON.parse(row.response_body ?? 'null') };
    }
    // Ours and being served: wait for it. Another process's, leased: it is alive, wait. Else its owner is gone.
    if (row.owner === this.owner && this.held.has(key)) return { kind: 'in_progress' };
    if (row.owner !== this.owner && (row.lease_until ?? 0) >= now) return { kind: 'in_progress' };
    const taken = await db
      .updateTable('idempotency_keys')
      .set({ owner: this.owner, lease_until: now + IDEMPOTENCY_LEASE_MS })
      .where('key', '=', key)
      .where('status_code', 'is', null)
      .where((eb) =>
        row.lease_until === null ? eb('lease_until', 'is', null) : eb('lease_until', '=', row.lease_until),
      )
      .where((eb) => (row.owner === null ? eb('owner', 'is', null) : eb('owner', '=', row.owner)))
      .executeTakeFirst();
    if (Number(taken.numUpdatedRows) === 1) {
      this.logger.warn(`Idempotency-Key ${key} taken over from ${row.owner ?? 'a process'} that stopped serving it`);
      return this.hold(key);
    }
    return { kind: 'in_progress' };
  }

  async complete(key: string, statusCode: number, body: unknown): Promise<void> {
    try {
      await this.database.db
        .updateTable('idempotency_keys')
        .set({ status_code: statusCode, response_body: JSON.stringify(body ?? null), owner: null, lease_until: null })
        .where('key', '=', key)
        .execute();
    } finally {
      this.letGo(key);
    }
  }

  /** Gives the key back when the request failed, so a corrected retry may run. */
  async release(key: string): Promise<void> {
    try {
      await this.database.db
        .deleteFrom('idempotency_keys')
        .where('key', '=', key)
        .where('status_code', 'is', null)
        .execute();
    } finally {
      this.letGo(key);
    }
  }

  async purgeExpired(now = Date.now()): Promise<void> {
    await this.database.db.deleteFrom('idempotency_keys').where('expires_at', '<', now).execute();
  }

  /** Extends the lease of every key this process is serving: one statement, whatever their number. */
  async renewLeases(now = Date.now()): Promise<void> {
    if (this.held.size === 0) return;
    await this.database.db
      .updateTable('idempotency_keys')
      .set({ lease_until: now + IDEMPOTENCY_LEASE_MS })
      .where('key', 'in', [...this.held])
      .where('owner', '=', this.owner)
      .where('status_code', 'is', null)
      .execute();
  }

  private hold(key: string): Reservation {
    this.held.add(key);
    this.renewTimer ??= runEvery(RENEW_EVERY_MS, 'Renewing idempotency leases', this.logger, () => this.renewLeases());
    return { kind: 'reserved' };
  }

  private letGo(key: string): void {
    this.held.delete(key);
    if (this.held.size === 0) {
      clearInterval(this.renewTimer);
      this.renewTimer = undefined;
    }
  }
}
