import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../storage/database.service';
import type { NotificationTable } from '../storage/tables';

const DAY_MS = 24 * 60 * 60 * 1000;
export const DEAD_PAGE_SIZE = 10;

export interface DeliveryCounts {
  /** Notifications created in the window, by delivery state. */
  day: Record<string, number>;
  week: Record<string, number>;
}

/** What `/admin deliveries` shows: how notifications fared lately, and the ones the queue gave up on. */
@Injectable()
export class DeliveryReport {
  constructor(private readonly database: DatabaseService) {}

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

  /** One page of dead notifications, newest first, and how many there are in all. */
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
}
