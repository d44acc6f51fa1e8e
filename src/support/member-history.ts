import { Injectable } from '@nestjs/common';
import { Notifications } from '../dm/notifications.repository';
import { OutboundEvents } from '../events/outbound-events';
import { RefundsRepository } from '../refunds/refunds.repository';
import { resultsOf, RoleLedger, type RoleResult } from '../role-truth';
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
  constructor(
    private readonly notifications: Notifications,
    private readonly ledger: RoleLedger,
    private readonly refunds: RefundsRepository,
    private readonly events: OutboundEvents,
  ) {}

  async of(discordId: string, limit = 15): Promise<HistoryItem[]> {
    const [notifications, roles, refunds, commands] = await Promise.all([
      this.notifications.recent(discordId, limit),
      this.ledger.recentChanges(discordId, limit),
      this.refunds.auditOf(discordId, limit),
      this.events.commandsUsedBy(discordId, limit),
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
        results: resultsOf(r),
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
  retryable(discordId: string): Promise<{ id: string; action: string } | undefined> {
    return this.notifications.retryable(discordId);
  }
}
