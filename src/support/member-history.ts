import { Injectable } from '@nestjs/common';
import { RETRYABLE_STATES } from '../dm/delivery-state';
import type { RoleResult } from '../role-truth';
import { DatabaseService } from '../storage/database.service';
import type { RoleChangeSource, RoleChangeState } from '../storage/tables';

/** One thing the bot did about a member, as staff see it in `/admin member`. */
export type HistoryItem =
  | {
      source: 'notification';
      at: number;
      id: string;
      action: string;
      state: string;
      nextAttemptAt: number;
      lastError: string | null;
    }
  | { source: 'role'; at: number; origin: RoleChangeSource; state: RoleChangeState; results: RoleResult[] }
  | {
      source: 'refund';
      at: number;
      amount: number | null;
      currency: string | null;
      adminId: string | null;
      outcome: string;
    }
  | { source: 'command'; at: number; command: string; success: boolean };

/**
 * The member's history across what the service stores: notifications and their delivery, role changes
 * and their outcome, refunds, and the slash commands they ran (the `command_used` events). Newest first.
 */
@Injectable()
export class MemberHistory {
  constructor(private readonly database: DatabaseService) {}

  async of(discordId: string, limit = 15): Promise<HistoryItem[]> {
    const db = this.database.db;
    const [notifications, roles, refunds, commands] = await Promise.all([
      db
        .selectFrom('notifications')
        .select(['id', 'action', 'state', 'created_at', 'next_attempt_at', 'last_error'])
        .where('discord_id', '=', discordId)
        .orderBy('created_at', 'desc')
        .limit(limit)
        .execute(),
      db
        .selectFrom('role_changes')
        .select(['source', 'state', 'results', 'created_at'])
        .where('discord_id', '=', discordId)
        .orderBy('created_at', 'desc')
        .limit(limit)
        .execute(),
      db
        .selectFrom('refund_audit')
        .select(['amount', 'currency', 'admin_id', 'outcome', 'created_at'])
        .where('target_id', '=', discordId)
        .orderBy('created_at', 'desc')
        .limit(limit)
        .execute(),
      db
        .selectFrom('outbound_events')
        .select(['payload', 'created_at'])
        .where('discord_id', '=', discordId)
        .where('kind', '=', 'command_used')
        .orderBy('created_at', 'desc')
        .limit(limit)
        .execute(),
    ]);
    const items: HistoryItem[] = [
      ...notifications.map((n): HistoryItem => ({
        source: 'notification',
        at: n.created_at,
        id: n.id,
        action: n.action,
        state: n.state,
        nextAttemptAt: n.next_attempt_at,
        lastError: n.last_error,
      })),
      ...roles.map((r): HistoryItem => ({
        source: 'role',
        at: r.created_at,
        origin: r.source,
        state: r.state,
        results: r.results === null ? [] : (JSON.parse(r.results) as RoleResult[]),
      })),
      ...refunds.map((r): HistoryItem => ({
        source: 'refund',
        at: r.created_at,
        amount: r.amount,
        currency: r.currency,
        adminId: r.admin_id,
        outcome: r.outcome,
      })),
      ...commands.map((c): HistoryItem => {
        const usage = (c.payload === null ? {} : JSON.parse(c.payload)) as { command?: string; success?: boolean };
        return { source: 'command', at: c.created_at, command: usage.command ?? '?', success: usage.success === true };
      }),
    ];
    return items.sort((a, b) => b.at - a.at).slice(0, limit);
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
