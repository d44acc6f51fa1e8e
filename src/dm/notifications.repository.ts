import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../storage/database.service';
import { DurableQueue, type NewJob, type QueuePolicy } from '../storage/durable-queue';
import type { NotificationTable } from '../storage/tables';
import { RETRYABLE_STATES } from './delivery-state';
import type { DmJobs } from './dm-kinds';

/** One DM per (member, action, reference) within this window. */
const DEDUP_WINDOW_MS = 24 * 60 * 60 * 1000;

export const NOTIFICATION_QUEUE: QueuePolicy = {
  // Longer than one attempt (8 s) plus settling, so a live worker never loses an item it is delivering.
  leaseMs: 12_000,
  maxAttempts: 8,
  baseDelayMs: 2_000,
  maxDelayMs: 10 * 60_000,
};

const DAY_MS = 24 * 60 * 60 * 1000;
export const DEAD_PAGE_SIZE = 10;

/** Notifications created in the last day and week, by delivery state. */
export interface DeliveryCounts {
  day: Record<string, number>;
  week: Record<string, number>;
}

/** The inbox's `action` column: what the DM is about, for the inbox, the support desk and the audit post. */
function actionOf(job: NewJob<DmJobs>): string {
  switch (job.kind) {
    case 'subscription':
      return job.payload.action;
    case 'invoice':
      return job.payload.event;
    case 'refund':
      return 'refund';
  }
}

/**
 * The `notifications` table (the billing inbox): its durable queue, which MemberDms delivers from, and the
 * reads staff make of it (`/admin deliveries`, `/admin member`). The only code that queries the table.
 */
@Injectable()
export class Notifications {
  readonly queue: DurableQueue<DmJobs, NotificationTable>;

  constructor(private readonly database: DatabaseService) {
    this.queue = new DurableQueue<DmJobs, NotificationTable>(database, {
      table: 'notifications',
      idPrefix: 'n',
      policy: NOTIFICATION_QUEUE,
      dedupWindowMs: DEDUP_WINDOW_MS,
      columns: (job) => ({ action: actionOf(job) }),
    });
  }

  /** The member's latest DMs, newest first (the billing inbox, the support desk's history). */
  recent(discordId: string, limit: number): Promise<NotificationTable[]> {
    return this.queue.recent(discordId, limit);
  }

  /** How notifications fared lately: counts by state over the last day and week. */
  async counts(now = Date.now()): Promise<DeliveryCounts> {
    const since = async (from: number) => {
      const rows = await this.database.db
        .selectFrom('notifications')
        .select((eb) => ['state', eb.fn.countAll<number | string>().as('count')])
        .where('created_at', '>=', from)
        .groupBy('state')
        .execute();
      return Object.fromEntries(rows.map((r) => [r.state, Number(r.count)]));
    };
    const [day, week] = await Promise.all([since(now - DAY_MS), since(now - 7 * DAY_MS)]);
    return { day, week };
  }

  /** One page of the notifications the queue gave up on, newest first, and how many there are in all. */
  async dead(page: number): Promise<{ rows: NotificationTable[]; total: number }> {
    const db = this.database.db;
    const [rows, total] = await Promise.all([
      db
        .selectFrom('notifications')
        .selectAll()
        .where('state', '=', 'dead')
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .offset(page * DEAD_PAGE_SIZE)
        .limit(DEAD_PAGE_SIZE)
        .execute(),
      db
        .selectFrom('notifications')
        .select((eb) => eb.fn.countAll<number | string>().as('count'))
        .where('state', '=', 'dead')
        .executeTakeFirst(),
    ]);
    return { rows, total: Number(total?.count ?? 0) };
  }

  /** The member's newest notification that staff may send again, if any. */
  async retryable(discordId: string): Promise<{ id: string; action: string } | undefined> {
    return this.database.db
      .selectFrom('notifications')
      .select(['id', 'action'])
      .where('discord_id', '=', discordId)
      .where('state', 'in', RETRYABLE_STATES)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  }
}
