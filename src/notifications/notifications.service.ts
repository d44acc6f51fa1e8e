import { Injectable } from '@nestjs/common';
import { occurredAtMs } from '../common/validation/occurred-at.decorator';
import { MemberProfiles } from '../members/member-profiles.service';
import { Metrics, notificationOutcomeOf } from '../observability/metrics.service';
import type { NotificationTable } from '../storage/tables';
import type { NotifyUserRequest } from './dto/notify-user.request';
import type { InvoiceEvent } from './invoice-dm';
import { WORKER_ID } from '../storage/worker-id';
import { NotificationDelivery, type InvoicePayload, type SubscriptionPayload } from './notification-delivery';
import { NotificationInbox, type NewNotification } from './notification-inbox';
import { withoutPersonalData } from './notify-dm';
import type { InvoiceInfo } from '../invoices/dto/invoice-info.dto';
import type { NotifyUserResponse } from './dto/notify-user.response';

export type { NotifyUserResponse } from './dto/notify-user.response';

/** Outcome messages for the backend's logs (not shown to Discord users, so not localized). */
export const NOTIFY_MESSAGES = {
  sent: 'Notification sent',
  closed: 'User found but DM failed',
  unknownUser: 'Discord user not found',
  queued: 'Discord is not answering right now; the notification is queued and will be delivered',
  failed: 'Discord refused the notification',
  duplicate: 'Duplicate notification: already handled',
  inProgress: 'Duplicate notification: the first one is being delivered right now (in progress)',
} as const;

/**
 * How long the first DM attempt may take before the backend gets its answer (`queued: true` when it is
 * not done): the backend gives up after 10 s, and the contract promises an answer within 5 s.
 */
export const DM_BUDGET_MS = 3500;

/**
 * First attempts made on the request path at once. Past this, a notification goes straight to the worker:
 * with Discord's 50 requests/s, more attempts in flight could not finish within the budget anyway.
 */
export const INLINE_ATTEMPTS_MAX = 25;

/** The metadata fields a DM may use; everything else (e-mail, phone, ...) is never stored nor sent. */
function usableMetadata(metadata: Record<string, unknown> | null | undefined): Record<string, unknown> {
  const m = metadata ?? {};
  const picked: Record<string, unknown> = {};
  for (const key of ['amount', 'currency', 'subscription_type', 'current_period_end'] as const) {
    if (m[key] !== undefined) picked[key] = m[key];
  }
  if (typeof m.message === 'string') picked.message = withoutPersonalData(m.message);
  return picked;
}

/** The id the backend gave the event, when it gave one (metadata.subscription_id, invoice_id or event_id). */
function reference(metadata: Record<string, unknown> | null | undefined): string {
  for (const key of ['subscription_id', 'invoice_id', 'event_id']) {
    const value = metadata?.[key];
    if (typeof value === 'string' || typeof value === 'number') return `${key}=${value}`;
  }
  return '-';
}

/**
 * The answer for a notification in `state`; a duplicate says so. A duplicate of one whose DM is being
 * attempted right now says it is in progress: its outcome is not known yet.
 */
export function responseFor(state: string, duplicate: boolean, inProgress = false): NotifyUserResponse {
  if (duplicate && inProgress) return { success: true, message: NOTIFY_MESSAGES.inProgress, notification_sent: false };
  const base = ((): NotifyUserResponse => {
    switch (state) {
      case 'sent':
        return { success: true, message: NOTIFY_MESSAGES.sent, notification_sent: true };
      case 'dm_closed':
        return { success: true, message: NOTIFY_MESSAGES.closed, notification_sent: false };
      case 'unknown_user':
        return { success: false, message: NOTIFY_MESSAGES.unknownUser, notification_sent: false };
      case 'pending':
        return { success: true, message: NOTIFY_MESSAGES.queued, notification_sent: false, queued: true };
      default:
        return { success: false, message: NOTIFY_MESSAGES.failed, notification_sent: false };
    }
  })();
  return duplicate ? { ...base, message: `${NOTIFY_MESSAGES.duplicate} (${base.message})` } : base;
}

@Injectable()
export class NotificationsService {
  /** First attempts under way on the request path. */
  private inlineAttempts = 0;

  constructor(
    private readonly inbox: NotificationInbox,
    private readonly delivery: NotificationDelivery,
    private readonly profiles: MemberProfiles,
    private readonly metrics: Metrics,
  ) {}

  /** POST /internal/notify: record premium state, store the notification, try the DM within the budget. */
  async notifyUser(request: NotifyUserRequest): Promise<NotifyUserResponse> {
    const receivedAt = Date.now();
    const premium = await this.profiles.recordSubscriptionEvent(
      request.discord_id,
      request.action,
      request.plan,
      occurredAtMs(request.occurred_at),
    );
    const payload: SubscriptionPayload = {
      kind: 'subscription',
      action: request.action,
      plan: request.plan ?? null,
      metadata: usableMetadata(request.metadata),
    };
    const response = await this.accept(
      {
        discordId: request.discord_id,
        kind: 'subscription',
        action: request.action,
        dedupKey: `${request.discord_id}|${request.action}|${reference(request.metadata)}`,
        payload,
      },
      receivedAt,
    );
    // The DM is about a real event and goes out; only the state it implied did not go backwards.
    return premium.stale ? { ...response, stale: true } : response;
  }

  /** POST /internal/invoices/notify: one DM per invoice and status, whatever the retries. */
  async notifyInvoice(discordId: string, event: InvoiceEvent, invoice: InvoiceInfo): Promise<NotifyUserResponse> {
    const payload: InvoicePayload = {
      kind: 'invoice',
      event,
      invoice: {
        amount: invoice.amount,
        currency: invoice.currency,
        created: invoice.created,
        invoice_pdf: invoice.invoice_pdf ?? null,
      },
    };
    return this.accept({
      discordId,
      kind: 'invoice',
      action: event,
      dedupKey: `${discordId}|${event}|invoice_id=${invoice.invoice_id}`,
      payload,
    });
  }

  /** Where the notification stored under a dedup key stands (`pending` while queued), if there is one. */
  async stateOf(dedupKey: string): Promise<string | undefined> {
    return (await this.inbox.find(dedupKey))?.state;
  }

  /** The member's latest notifications, for /notifications. */
  recent(discordId: string, limit = 10): Promise<NotificationTable[]> {
    return this.inbox.recent(discordId, limit);
  }

  private async accept(notification: NewNotification, receivedAt = Date.now()): Promise<NotifyUserResponse> {
    const { state, duplicate, inProgress } = await this.notify(notification, receivedAt);
    return responseFor(state, duplicate, inProgress);
  }

  /**
   * Stores a notification in the member's inbox and makes its first DM attempt within the answer budget.
   * The state is final (sent, dm_closed, ...) or `pending` (queued: the worker delivers it later).
   * Also for features with a DM kind of their own (see NotificationDelivery.registerRenderer).
   */
  async notify(
    notification: NewNotification,
    receivedAt = Date.now(),
  ): Promise<{ state: string; duplicate: boolean; inProgress?: boolean }> {
    // Under a burst, an inline attempt would only wait behind Discord's rate limit: hand it to the worker.
    const inline = this.inlineAttempts < INLINE_ATTEMPTS_MAX;
    const accepted = await this.inbox.accept(notification, inline ? WORKER_ID : null);
    if (accepted.duplicate) {
      this.metrics.notificationOutcome('duplicate');
      const { state, lease_until } = accepted.row;
      // Pending and leased: an attempt (inline or the worker's) holds it now.
      const inProgress = state === 'pending' && lease_until !== null && lease_until > Date.now();
      return { state, duplicate: true, inProgress };
    }
    let state = 'pending';
    if (inline) state = await this.firstAttempt(accepted.row, receivedAt + DM_BUDGET_MS);
    else this.delivery.worker.poke();
    this.metrics.notificationOutcome(notificationOutcomeOf(state));
    return { state, duplicate: false };
  }

  /**
   * The first attempt, bounded by the answer deadline. When the deadline passes the attempt is abandoned
   * and the item handed to the worker right away; the worker's later attempts carry the same nonce.
   */
  private async firstAttempt(row: NotificationTable, deadline: number): Promise<string> {
    const budget = new AbortController();
    const timer = setTimeout(() => budget.abort(), Math.max(0, deadline - Date.now()));
    this.inlineAttempts++;
    try {
      const result = await this.delivery.deliver(row, budget.signal);
      if (budget.signal.aborted && 'retry' in result) {
        await this.delivery.worker.settle(row, { retry: 'answer budget exceeded' }, { immediately: true });
        this.delivery.worker.poke();
        return 'pending';
      }
      const state = await this.delivery.worker.settle(row, result);
      if (state === 'pending') this.delivery.worker.poke();
      return state;
    } finally {
      this.inlineAttempts--;
      clearTimeout(timer);
    }
  }
}
