import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../storage/database.service';
import { DurableQueue, newQueueItem, type QueuePolicy } from '../storage/durable-queue';
import type { NotificationTable } from '../storage/tables';

/** One DM per (member, action, reference) within this window. */
export const DEDUP_WINDOW_MS = 24 * 60 * 60 * 1000;

export const NOTIFICATION_QUEUE: QueuePolicy = {
  // Longer than one attempt (8 s) plus settling, so a live worker never loses an item it is delivering.
  leaseMs: 12_000,
  maxAttempts: 8,
  baseDelayMs: 2_000,
  maxDelayMs: 10 * 60_000,
};

/** Final states of a notification; `pending` means still to be delivered. */
export type NotificationState = 'pending' | 'sent' | 'dm_closed' | 'unknown_user' | 'failed' | 'dead';

export interface NewNotification {
  discordId: string;
  /** subscription, invoice, or a kind a feature registered a renderer for (refund). */
  kind: string;
  action: string;
  dedupKey: string;
  payload: unknown;
}

export type Acceptance = { duplicate: false; row: NotificationTable } | { duplicate: true; row: NotificationTable };

/**
 * The billing inbox: every notification is written here before any DM is tried, so nothing the backend
 * handed over is only in memory. It is also the queue the delivery worker drains.
 */
@Injectable()
export class NotificationInbox {
  readonly queue: DurableQueue<NotificationTable>;

  constructor(private readonly database: DatabaseService) {
    this.queue = new DurableQueue<NotificationTable>(database, 'notifications', NOTIFICATION_QUEUE);
  }

  /**
   * Stores a notification, claimed by `owner` when its first attempt comes right away (null leaves it to
   * the worker), or finds the one stored under the same dedup key within 24 h.
   */
  async accept(input: NewNotification, owner: string | null, now = Date.now()): Promise<Acceptance> {
    const db = this.database.db;
    for (let tries = 0; tries < 3; tries++) {
      const row: NotificationTable = {
        ...newQueueItem('n', now, owner ? { owner, leaseMs: NOTIFICATION_QUEUE.leaseMs } : undefined),
        discord_id: input.discordId,
        kind: input.kind,
        action: input.action,
        dedup_key: input.dedupKey,
        dedup_until: now + DEDUP_WINDOW_MS,
        payload: JSON.stringify(input.payload),
      };
      const inserted = await db
        .insertInto('notifications')
        .values(row)
        .onConflict((oc) => oc.column('dedup_key').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return { duplicate: false, row };

      const existing = await this.find(input.dedupKey);
      if (existing && existing.dedup_until > now) return { duplicate: true, row: existing };
      if (existing) {
        // The old one is past its window: it keeps its history under a retired key, the new one takes the key.
        await db
          .updateTable('notifications')
          .set({ dedup_key: `${existing.dedup_key}#${existing.id}` })
          .where('id', '=', existing.id)
          .where('dedup_key', '=', input.dedupKey)
          .execute();
      }
    }
    throw new Error(`could not store notification ${input.dedupKey}`);
  }

  find(dedupKey: string): Promise<NotificationTable | undefined> {
    return this.database.db
      .selectFrom('notifications')
      .selectAll()
      .where('dedup_key', '=', dedupKey)
      .executeTakeFirst();
  }

  /** The member's latest notifications, newest first. */
  recent(discordId: string, limit: number): Promise<NotificationTable[]> {
    return this.database.db
      .selectFrom('notifications')
      .selectAll()
      .where('discord_id', '=', discordId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }
}
