import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DatabaseService } from '../../storage/database.service';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** A reservation older than this is taken to belong to a request that died mid-way. */
const STALE_RESERVATION_MS = 60 * 1000;

export type Reservation =
  | { kind: 'reserved' }
  | { kind: 'replay'; statusCode: number; body: unknown }
  | { kind: 'conflict' }
  | { kind: 'in_progress' };

/** How often keys past their 24 h are removed (a key is also dropped when it comes back after expiring). */
const PURGE_EVERY_MS = 60 * 60 * 1000;

/** Idempotency keys, kept 24 h in the database so a replay survives restarts and spans replicas. */
@Injectable()
export class IdempotencyStore implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IdempotencyStore.name);
  private purgeTimer: NodeJS.Timeout | undefined;

  constructor(private readonly database: DatabaseService) {}

  onApplicationBootstrap(): void {
    this.purgeTimer = setInterval(() => {
      this.purgeExpired().catch((error: unknown) => this.logger.warn(`Purge failed: ${(error as Error).message}`));
    }, PURGE_EVERY_MS);
    this.purgeTimer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.purgeTimer);
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
      })
      .onConflict((oc) => oc.column('key').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return { kind: 'reserved' };

    const row = await db.selectFrom('idempotency_keys').selectAll().where('key', '=', key).executeTakeFirst();
    if (!row) return this.reserve(key, requestHash, now);
    if (row.request_hash !== requestHash) return { kind: 'conflict' };
    if (row.status_code !== null) {
      return { kind: 'replay', statusCode: row.status_code, body: JSON.parse(row.response_body ?? 'null') };
    }
    if (now - row.created_at > STALE_RESERVATION_MS) {
      const taken = await db
        .updateTable('idempotency_keys')
        .set({ created_at: now })
        .where('key', '=', key)
        .where('created_at', '=', row.created_at)
        .where('status_code', 'is', null)
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) === 1) return { kind: 'reserved' };
    }
    return { kind: 'in_progress' };
  }

  async complete(key: string, statusCode: number, body: unknown): Promise<void> {
    await this.database.db
      .updateTable('idempotency_keys')
      .set({ status_code: statusCode, response_body: JSON.stringify(body ?? null) })
      .where('key', '=', key)
      .execute();
  }

  /** Gives the key back when the request failed, so a corrected retry may run. */
  async release(key: string): Promise<void> {
    await this.database.db
      .deleteFrom('idempotency_keys')
      .where('key', '=', key)
      .where('status_code', 'is', null)
      .execute();
  }

  async purgeExpired(now = Date.now()): Promise<void> {
    await this.database.db.deleteFrom('idempotency_keys').where('expires_at', '<', now).execute();
  }
}
