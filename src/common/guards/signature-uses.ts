import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DatabaseService } from '../../storage/database.service';
import { runEvery } from '../background-task';

/** How often signatures past their window are removed. */
const PURGE_EVERY_MS = 60 * 60 * 1000;

/**
 * The signatures of the signed requests accepted within their window, in the database so every replica
 * refuses a request replayed to another one. A signature is remembered until its timestamp leaves the window:
 * after that the timestamp check refuses it anyway.
 */
@Injectable()
export class SignatureUses implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SignatureUses.name);
  private purgeTimer: NodeJS.Timeout | undefined;

  constructor(private readonly database: DatabaseService) {}

  onApplicationBootstrap(): void {
    this.purgeTimer = runEvery(PURGE_EVERY_MS, 'Purge', this.logger, () => this.purgeExpired());
  }

  onApplicationShutdown(): void {
    clearInterval(this.purgeTimer);
  }

  /**
   * Records a use of `signature`, valid until `expiresAt`, with the request's Idempotency-Key: `first` for
   * its first use, `same_key` for a repeat under the key it first came with (the backend's own retry of the
   * very same bytes), `replay` otherwise.
   */
  async use(signature: string, expiresAt: number, key: string | null): Promise<'first' | 'same_key' | 'replay'> {
    const db = this.database.db;
    const inserted = await db
      .insertInto('signature_uses')
      .values({ signature, expires_at: expiresAt, idempotency_key: key })
      .onConflict((oc) => oc.column('signature').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return 'first';
    const first = await db
      .selectFrom('signature_uses')
      .select('idempotency_key')
      .where('signature', '=', signature)
      .executeTakeFirst();
    return key !== null && first?.idempotency_key === key ? 'same_key' : 'replay';
  }

  async purgeExpired(now = Date.now()): Promise<void> {
    await this.database.db.deleteFrom('signature_uses').where('expires_at', '<', now).execute();
  }
}
