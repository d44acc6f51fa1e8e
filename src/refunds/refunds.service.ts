import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { SupportedLocale } from '../config/app-config';
import { translate } from '../i18n/i18n';
import { InvoicesClient } from '../invoices/invoices.client';
import { NotificationDelivery } from '../notifications/notification-delivery';
import { NotificationsService } from '../notifications/notifications.service';
import { newQueueId } from '../storage/durable-queue';
import type { RefundNotifyRequest } from './dto/refund-notify.request';
import { minorUnitDigits } from '../discord/format';
import { parseRefundAmount } from './refund-amount';
import { outcomeOfError, outcomeOfResponse, type RefundOutcome } from './refund-outcome';
import { RefundAuditTrail } from './refund-audit-trail';
import { RefundTiming } from './refund-timing';
import { RefundsClient } from './refunds.client';
import { RefundsRepository, type FinishedState, type NoticeState, type RefundConfirmation } from './refunds.repository';
import {
  aboveInvoiceText,
  alreadyText,
  amountProblemText,
  buildCancelledView,
  buildConfirmationView,
  buildExpiredView,
  buildOutcomeView,
  buildRefundDm,
  refundAmountOf,
  textView,
  type DmStatus,
  type RefundDmInput,
  type RefundButtonAction,
  type RefundView,
} from './refunds.view';
import type { NotificationOutcome } from '../notifications/dto/notify-user.response';

/** Where the admin's answer goes: the command or button interaction, as the handler wires it. */
export interface RefundScreen {
  /** Replaces the admin's (ephemeral) message. */
  show(view: RefundView): Promise<unknown>;
  /** Tells the clicker privately and leaves the message as it is. */
  tell(text: string): Promise<unknown>;
}

/** `/admin refund` as typed. */
export interface RefundDraft {
  /** The slash command's interaction id: the confirmation's id and the refund's idempotency key. */
  interactionId: string;
  adminId: string;
  targetId: string;
  /** Currency units, as Discord delivered the NUMBER option; absent for a full refund. */
  amount?: number | null;
  reason?: string | null;
  locale: SupportedLocale;
}

export interface RefundPress {
  action: RefundButtonAction;
  confirmationId: string;
  /** The button interaction, kept as the claim's owner. */
  interactionId: string;
  userId: string;
  locale: SupportedLocale;
}

/** Contract InternalNotifyUserResponse. */
export type RefundNotifyResponse = NotificationOutcome;

/** Outcome messages for the backend's logs (not shown to Discord users, so not localized). */
export const REFUND_NOTIFY_MESSAGES = {
  sent: 'Notification sent',
  closed: 'User found but DM failed',
  unknownUser: 'Discord user not found',
  failed: 'Discord is unavailable, notification not sent',
  queued: 'Discord is not answering right now; the notification is queued and will be delivered',
  already: 'Refund already notified',
  inProgress: 'Refund notification already in progress',
} as const;

/** The newest invoices looked at for the last paid one (the backend's maximum). */
export const INVOICES_LOOKUP_LIMIT = 100;

/** One refund DM per refund id in the billing inbox. */
const refundDedupKey = (discordId: string, refundId: string) => `${discordId}|refund|${refundId}`;

/** A billing inbox state as a refund notice state. */
function noticeStateOf(state: string): Exclude<NoticeState, 'sending'> {
  switch (state) {
    case 'sent':
    case 'dm_closed':
    case 'unknown_user':
      return state;
    case 'pending':
      return 'queued';
    default:
      return 'failed';
  }
}

/** The billing inbox kind of refund DMs. */
const REFUND_DM_KIND = 'refund';
type RefundDmPayload = RefundDmInput & { kind: typeof REFUND_DM_KIND };

const FINISHED_STATE: Record<RefundOutcome['kind'], FinishedState> = {
  refunded: 'refunded',
  rejected: 'rejected',
  provider_error: 'provider_error',
  failed: 'failed',
  unknown: 'unknown',
};

function outcomeDetail(outcome: RefundOutcome): string | null {
  switch (outcome.kind) {
    case 'refunded':
      return null;
    case 'rejected':
      return outcome.message;
    case 'provider_error':
    case 'failed':
      return outcome.detail;
    case 'unknown':
      return outcome.cause;
  }
}

/**
 * `/admin refund`: a confirmation stored in the database, then exactly one refund call for it, then the
 * member's DM and the audit trail. Also the backend's refunds made elsewhere (`/internal/refunds/notify`).
 */
@Injectable()
export class RefundsService implements OnApplicationShutdown {
  private readonly logger = new Logger(RefundsService.name);
  /** Only disables stale buttons; the database's expires_at is what refuses a late click. */
  private readonly expiryTimers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly repository: RefundsRepository,
    private readonly invoices: InvoicesClient,
    private readonly refunds: RefundsClient,
    private readonly timing: RefundTiming,
    private readonly auditTrail: RefundAuditTrail,
    notifications: NotificationsService,
    delivery: NotificationDelivery,
  ) {
    this.notifications = notifications;
    // Refund DMs go through the billing inbox: durable, retried when Discord fails, shown in /notifications.
    delivery.registerRenderer(REFUND_DM_KIND, (locale, payload) => buildRefundDm(locale, payload as RefundDmPayload));
  }

  private readonly notifications: NotificationsService;

  /** Checks the request against the member's last paid invoice and shows the confirmation. Nothing moves yet. */
  async prepare(draft: RefundDraft, screen: RefundScreen): Promise<void> {
    const { locale } = draft;
    const { invoices } = await this.invoices.list(draft.targetId, INVOICES_LOOKUP_LIMIT);
    // Newest first: the first paid one is the one the backend refunds.
    const invoice = invoices.find((i) => i.status === 'paid');
    if (!invoice) {
      await screen.show(textView(translate(locale, 'refunds.noPaidInvoice', { user: `<@${draft.targetId}>` })));
      return;
    }
    let amount: number | null = null;
    if (draft.amount !== undefined && draft.amount !== null) {
      const parsed = parseRefundAmount(draft.amount, minorUnitDigits(invoice.currency));
      if (!parsed.ok) {
        await screen.show(textView(amountProblemText(locale, parsed.problem, invoice.currency)));
        return;
      }
      if (parsed.minor > invoice.amount) {
        await screen.show(textView(aboveInvoiceText(locale, parsed.minor, invoice)));
        return;
      }
      amount = parsed.minor;
    }
    const now = this.timing.now();
    const confirmation: RefundConfirmation = {
      id: draft.interactionId,
      adminId: draft.adminId,
      targetId: draft.targetId,
      amount,
      currency: invoice.currency,
      invoiceId: invoice.invoice_id,
      invoiceAmount: invoice.amount,
      invoiceCreated: invoice.created,
      reason: draft.reason?.trim() || null,
      locale,
      state: 'pending',
      createdAt: now,
      expiresAt: now + this.timing.confirmationTtlMs,
      refundId: null,
      amountRefunded: null,
    };
    // Stored before it is shown, so no click can arrive for a confirmation the database does not know.
    await this.repository.createConfirmation(confirmation);
    await screen.show(buildConfirmationView(locale, confirmation));
    this.disableWhenExpired(confirmation, screen);
  }

  /** Confirm or Cancel. Only the claim in the database decides who sends the refund; this replica's memory never does. */
  async press(press: RefundPress, screen: RefundScreen): Promise<void> {
    const { locale } = press;
    const confirmation = await this.repository.findConfirmation(press.confirmationId);
    if (!confirmation) {
      await screen.tell(translate(locale, 'refunds.expired'));
      return;
    }
    if (confirmation.adminId !== press.userId) {
      this.logger.warn(`User ${press.userId} pressed refund ${confirmation.id} of staff ${confirmation.adminId}`);
      await screen.tell(translate(locale, 'refunds.notYours'));
      return;
    }
    if (confirmation.state !== 'pending') {
      await screen.tell(alreadyText(locale, confirmation.state));
      return;
    }
    const now = this.timing.now();
    if (now >= confirmation.expiresAt) {
      if (await this.repository.close(confirmation.id, 'expired', now)) {
        await screen.show(buildExpiredView(locale, confirmation));
      } else {
        await this.tellCurrentState(confirmation.id, locale, screen);
      }
      return;
    }
    if (press.action === 'cancel') {
      if (await this.repository.close(confirmation.id, 'cancelled', now)) {
        this.logger.log(`Refund ${confirmation.id} cancelled by ${press.userId}`);
        await screen.show(buildCancelledView(locale, confirmation));
      } else {
        await this.tellCurrentState(confirmation.id, locale, screen);
      }
      return;
    }
    if (!(await this.repository.claim(confirmation.id, press.userId, press.interactionId, now))) {
      await this.tellCurrentState(confirmation.id, locale, screen);
      return;
    }
    await this.send(confirmation, locale, screen);
  }

  /** A refund made outside Discord: the same DM and audit entry, once per refund id. */
  async notifyRefund(request: RefundNotifyRequest): Promise<RefundNotifyResponse> {
    const claim = await this.repository.claimNotice(request.refund_id, request.discord_id, this.timing.now());
    if (claim.kind === 'duplicate') {
      // A queued DM may have been delivered since: the inbox knows where it stands now.
      const state =
        claim.state === 'queued'
          ? noticeStateOf(
              (await this.notifications.stateOf(refundDedupKey(request.discord_id, request.refund_id))) ?? 'pending',
            )
          : claim.state;
      return duplicateNoticeResponse(state);
    }
    const dm = await this.sendDm(request.discord_id, request.amount, request.currency, request.refund_id);
    await this.repository.finishNotice(request.refund_id, dm, this.timing.now());
    // A retry after Discord was unavailable only re-sends the DM: the audit entry was written the first time.
    if (!claim.retry) {
      await this.auditTrail.record(
        {
          source: 'notify',
          confirmationId: null,
          adminId: null,
          targetId: request.discord_id,
          amount: request.amount,
          currency: request.currency,
          reason: request.reason?.trim() || null,
          outcome: 'notified',
          refundId: request.refund_id,
          detail: null,
        },
        dm,
      );
    }
    return noticeResponse(dm);
  }

  onApplicationShutdown(): void {
    for (const timer of this.expiryTimers) clearTimeout(timer);
    this.expiryTimers.clear();
  }

  /** The one refund call of a claimed confirmation; never retried, whatever happens. */
  private async send(confirmation: RefundConfirmation, locale: SupportedLocale, screen: RefundScreen): Promise<void> {
    let outcome: RefundOutcome;
    try {
      const response = await this.refunds.refund({
        discordId: confirmation.targetId,
        amount: confirmation.amount,
        reason: confirmation.reason,
        idempotencyKey: `refund-${confirmation.id}`,
      });
      outcome = outcomeOfResponse(response);
    } catch (error) {
      outcome = outcomeOfError(error);
    }
    this.logOutcome(confirmation, outcome);

    const refundId = outcome.kind === 'refunded' ? outcome.refundId : null;
    const amount =
      outcome.kind === 'refunded' ? (outcome.amountRefunded ?? refundAmountOf(confirmation)) : confirmation.amount;
    // From here on, a failing store or Discord must not hide the outcome from the admin: money may have moved.
    await this.safely(`record the outcome of refund ${confirmation.id}`, () =>
      this.repository.finish(
        confirmation.id,
        FINISHED_STATE[outcome.kind],
        {
          refundId,
          amountRefunded: outcome.kind === 'refunded' ? amount : null,
          detail: outcomeDetail(outcome),
        },
        this.timing.now(),
      ),
    );
    let dm: DmStatus | undefined;
    if (outcome.kind === 'refunded' && amount !== null) {
      dm = await this.safely(`tell ${confirmation.targetId} about refund ${confirmation.id}`, () =>
        this.tellMemberOnce(confirmation.targetId, amount, confirmation.currency, refundId),
      );
    }
    await this.auditTrail.record(
      {
        source: 'command',
        confirmationId: confirmation.id,
        adminId: confirmation.adminId,
        targetId: confirmation.targetId,
        amount,
        currency: confirmation.currency,
        reason: confirmation.reason,
        outcome: outcome.kind,
        refundId,
        detail: outcomeDetail(outcome),
      },
      dm,
    );
    await screen.show(buildOutcomeView(locale, confirmation, outcome, dm));
  }

  /** The member's DM, unless this refund id was already announced (e.g. by the backend's notify call). */
  private async tellMemberOnce(
    discordId: string,
    amount: number,
    currency: string,
    refundId: string | null,
  ): Promise<DmStatus> {
    if (refundId) {
      const claim = await this.repository.claimNotice(refundId, discordId, this.timing.now());
      if (claim.kind === 'duplicate') return 'already';
    }
    const dm = await this.sendDm(discordId, amount, currency, refundId);
    if (refundId) await this.repository.finishNotice(refundId, dm, this.timing.now());
    return dm;
  }

  /**
   * The member's refund DM, through the billing inbox (in the language they last used with the bot).
   * `queued`: Discord did not answer in time; the inbox worker delivers it later.
   */
  private async sendDm(
    discordId: string,
    amount: number,
    currency: string,
    refundId: string | null,
  ): Promise<Exclude<NoticeState, 'sending'>> {
    const payload: RefundDmPayload = { kind: REFUND_DM_KIND, amount, currency, refundId };
    const { state } = await this.notifications.notify({
      discordId,
      kind: REFUND_DM_KIND,
      action: 'refund',
      // One DM per refund id; a refund without an id (never expected) gets a DM of its own.
      dedupKey: refundDedupKey(discordId, refundId ?? newQueueId('r')),
      payload,
    });
    const notice = noticeStateOf(state);
    if (notice === 'failed') this.logger.warn(`Refund DM to ${discordId} ended ${state}`);
    return notice;
  }

  private disableWhenExpired(confirmation: RefundConfirmation, screen: RefundScreen): void {
    const timer = setTimeout(
      () => {
        this.expiryTimers.delete(timer);
        void this.expire(confirmation, screen);
      },
      Math.max(0, confirmation.expiresAt - this.timing.now()),
    );
    timer.unref();
    this.expiryTimers.add(timer);
  }

  private async expire(confirmation: RefundConfirmation, screen: RefundScreen): Promise<void> {
    try {
      if (await this.repository.close(confirmation.id, 'expired', this.timing.now())) {
        await screen.show(buildExpiredView(confirmation.locale as SupportedLocale, confirmation));
      }
    } catch (error) {
      this.logger.warn(`Could not disable the buttons of refund ${confirmation.id}: ${(error as Error).message}`);
    }
  }

  private async tellCurrentState(id: string, locale: SupportedLocale, screen: RefundScreen): Promise<void> {
    const current = await this.repository.findConfirmation(id);
    await screen.tell(alreadyText(locale, current?.state ?? 'expired'));
  }

  private logOutcome(confirmation: RefundConfirmation, outcome: RefundOutcome): void {
    const what = `Refund ${confirmation.id} of ${confirmation.targetId} by ${confirmation.adminId}`;
    switch (outcome.kind) {
      case 'refunded':
        this.logger.log(`${what}: refunded (${outcome.refundId ?? 'no id'})`);
        return;
      case 'rejected':
        this.logger.log(`${what}: refused by the backend (${outcome.rejection})`);
        return;
      case 'provider_error':
      case 'failed':
        this.logger.warn(`${what}: ${outcome.kind} (${outcome.detail})`);
        return;
      case 'unknown':
        this.logger.error(`${what}: OUTCOME UNKNOWN (${outcome.cause}); not retried, check the payment dashboard`);
        return;
    }
  }

  private async safely<T>(what: string, step: () => Promise<T>): Promise<T | undefined> {
    try {
      return await step();
    } catch (error) {
      this.logger.error(
        `Could not ${what}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      return undefined;
    }
  }
}

function noticeResponse(dm: Exclude<NoticeState, 'sending'>): RefundNotifyResponse {
  switch (dm) {
    case 'sent':
      return { success: true, message: REFUND_NOTIFY_MESSAGES.sent, notification_sent: true };
    case 'dm_closed':
      return { success: true, message: REFUND_NOTIFY_MESSAGES.closed, notification_sent: false };
    case 'unknown_user':
      return { success: false, message: REFUND_NOTIFY_MESSAGES.unknownUser, notification_sent: false };
    case 'queued':
      return { success: true, message: REFUND_NOTIFY_MESSAGES.queued, notification_sent: false, queued: true };
    case 'failed':
      return { success: false, message: REFUND_NOTIFY_MESSAGES.failed, notification_sent: false };
  }
}

/** A repeat of a refund id tells the backend what the first call achieved, without a second DM. */
function duplicateNoticeResponse(state: NoticeState): RefundNotifyResponse {
  switch (state) {
    case 'sending':
      return { success: true, message: REFUND_NOTIFY_MESSAGES.inProgress, notification_sent: false };
    case 'sent':
      return { success: true, message: REFUND_NOTIFY_MESSAGES.already, notification_sent: true };
    case 'dm_closed':
    case 'unknown_user':
    case 'queued':
    case 'failed':
      return noticeResponse(state);
  }
}
