import type { NotificationOutcome as MetricOutcome } from '../observability/metrics.service';
import type { NotificationState } from '../storage/tables';
import type { NotificationOutcome } from './notification-outcome.response';

/**
 * Where one DM to a member stands: `pending` while the queue holds it (queued), then final. Each vocabulary
 * that reads it (the contract's answer, the metrics) maps it here, in one exhaustive switch each; the inbox
 * and the support desk name each state in the reader's language (inbox.state.*, memberDesk.delivery.*).
 */
export type DeliveryState = NotificationState;

/** The states of a DM staff may send again (a retry goes through the same queue, nonce and dedup key). */
export const RETRYABLE_STATES: readonly DeliveryState[] = ['dead', 'failed', 'dm_closed'];

/** Outcome messages for the backend's logs (not shown to Discord users, so not localized). */
const DELIVERY_MESSAGES = {
  sent: 'Notification sent',
  closed: 'User found but DM failed',
  unknownUser: 'Discord user not found',
  queued: 'Discord is not answering right now; the notification is queued and will be delivered',
  failed: 'Discord refused the notification',
  duplicate: 'Duplicate notification: already handled',
  inProgress: 'Duplicate notification: the first one is being delivered right now (in progress)',
} as const;

/** What handing a DM over came to, as its caller answers it. */
export interface DmSent {
  /** Final (sent, dm_closed, ...), or `pending`: queued, the worker delivers it later. */
  state: DeliveryState;
  /** The same DM (dedup key) was handed over before: nothing was sent again. */
  duplicate: boolean;
  /** A duplicate whose first DM is being attempted right now: its outcome is not known yet. */
  inProgress: boolean;
}

/** The contract's answer (InternalNotifyUserResponse) for a DM in `state`. */
export function contractOutcome(state: DeliveryState): NotificationOutcome {
  switch (state) {
    case 'sent':
      return { success: true, message: DELIVERY_MESSAGES.sent, notification_sent: true };
    case 'dm_closed':
      return { success: true, message: DELIVERY_MESSAGES.closed, notification_sent: false };
    case 'unknown_user':
      return { success: false, message: DELIVERY_MESSAGES.unknownUser, notification_sent: false };
    case 'pending':
      return { success: true, message: DELIVERY_MESSAGES.queued, notification_sent: false, queued: true };
    case 'failed':
    case 'dead':
      return { success: false, message: DELIVERY_MESSAGES.failed, notification_sent: false };
  }
}

/**
 * The contract's answer of `POST /internal/notify` and `/internal/invoices/notify` for a DM handed over; a
 * duplicate says so, and one whose first attempt is under way says it is in progress (its outcome is not
 * known yet).
 */
export function answerOf(sent: DmSent): NotificationOutcome {
  if (sent.duplicate && sent.inProgress) {
    return { success: true, message: DELIVERY_MESSAGES.inProgress, notification_sent: false };
  }
  const base = contractOutcome(sent.state);
  return sent.duplicate ? { ...base, message: `${DELIVERY_MESSAGES.duplicate} (${base.message})` } : base;
}

/** The metrics' outcome label of a DM in `state` (`pending` counts as queued). */
export function metricOutcome(state: DeliveryState): MetricOutcome {
  switch (state) {
    case 'pending':
      return 'queued';
    case 'sent':
    case 'dm_closed':
    case 'unknown_user':
    case 'failed':
    case 'dead':
      return state;
  }
}
