import { Injectable, Logger } from '@nestjs/common';
import { contractOutcome, type DeliveryState } from '../dm/delivery-state';
import { MemberDms } from '../dm/member-dms.service';
import type { NotificationOutcome } from '../dm/notification-outcome.response';
import { newQueueId } from '../storage/durable-queue';
import type { RefundNotifyRequest } from './dto/refund-notify.request';
import type { DmStatus } from './refund-admin.view';
import { RefundAuditTrail } from './refund-audit-trail';
import { RefundTiming } from './refund-timing';
import { RefundsRepository, type NoticeState } from './refunds.repository';

/** Outcome messages of a repeated refund notice, for the backend's logs (not localized). */
const REFUND_NOTICE_MESSAGES = {
  already: 'Refund already notified',
  inProgress: 'Refund notification already in progress',
} as const;

/** What the member was told about a refund, once the telling is over. */
type ToldState = Exclude<NoticeState, 'sending'>;

/** One refund DM per refund id in the billing inbox. */
const refundDedupKey = (discordId: string, refundId: string) => `${discordId}|refund|${refundId}`;

/** A DM's delivery state as a refund notice state (`pending`: queued, the inbox delivers it later). */
function noticeStateOf(state: DeliveryState): ToldState {
  switch (state) {
    case 'sent':
    case 'dm_closed':
    case 'unknown_user':
    case 'failed':
      return state;
    case 'pending':
      return 'queued';
    case 'dead':
      return 'failed';
  }
}

/** The contract's answer for a refund notice: the DM's, in the one delivery vocabulary. */
function noticeResponse(told: ToldState): NotificationOutcome {
  return contractOutcome(told === 'queued' ? 'pending' : told);
}

/** A repeat of a refund id tells the backend what the first call achieved, without a second DM. */
function duplicateNoticeResponse(state: NoticeState): NotificationOutcome {
  switch (state) {
    case 'sending':
      return { success: true, message: REFUND_NOTICE_MESSAGES.inProgress, notification_sent: false };
    case 'sent':
      return { success: true, message: REFUND_NOTICE_MESSAGES.already, notification_sent: true };
    case 'dm_closed':
    case 'unknown_user':
    case 'queued':
    case 'failed':
      return noticeResponse(state);
  }
}

/**
 * Telling a member about a refund, once per refund id whoever reports it: the backend's
 * `POST /internal/refunds/notify` (a refund made elsewhere, with its audit entry) or a refund sent from
 * Discord. The DM goes through the billing inbox: durable, retried, listed in /notifications.
 */
@Injectable()
export class RefundNotices {
  private readonly logger = new Logger(RefundNotices.name);

  constructor(
    private readonly repository: RefundsRepository,
    private readonly dms: MemberDms,
    private readonly timing: RefundTiming,
    private readonly auditTrail: RefundAuditTrail,
  ) {}

  /** A refund made outside Discord: the DM and the audit entry, once per refund id. */
  async notifyRefund(request: RefundNotifyRequest): Promise<NotificationOutcome> {
    const claim = await this.repository.claimNotice(request.refund_id, request.discord_id, this.timing.now());
    if (claim.kind === 'duplicate') {
      // A queued DM may have been delivered since: the inbox knows where it stands now.
      const state =
        claim.state === 'queued'
          ? noticeStateOf((await this.dms.stateOf(refundDedupKey(request.discord_id, request.refund_id))) ?? 'pending')
          : claim.state;
      return duplicateNoticeResponse(state);
    }
    const told = await this.sendDm(request.discord_id, request.amount, request.currency, request.refund_id);
    await this.repository.finishNotice(request.refund_id, told, this.timing.now());
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
        told,
      );
    }
    return noticeResponse(told);
  }

  /** The member's DM after a refund from Discord, unless this refund id was already announced. */
  async tellMemberOnce(
    discordId: string,
    amount: number,
    currency: string,
    refundId: string | null,
  ): Promise<DmStatus> {
    if (refundId) {
      const claim = await this.repository.claimNotice(refundId, discordId, this.timing.now());
      if (claim.kind === 'duplicate') return 'already';
    }
    const told = await this.sendDm(discordId, amount, currency, refundId);
    if (refundId) await this.repository.finishNotice(refundId, told, this.timing.now());
    return told;
  }

  /**
   * The member's refund DM, through the billing inbox (in the language they last used with the bot).
   * `queued`: Discord did not answer in time; the inbox worker delivers it later.
   */
  private async sendDm(discordId: string, amount: number, currency: string, refundId: string | null) {
    const { state } = await this.dms.send({
      kind: 'refund',
      discordId,
      // One DM per refund id; a refund without an id (never expected) gets a DM of its own.
      dedupKey: refundDedupKey(discordId, refundId ?? newQueueId('r')),
      payload: { amount, currency, refundId },
    });
    const told = noticeStateOf(state);
    if (told === 'failed') this.logger.warn(`Refund DM to ${discordId} ended ${state}`);
    return told;
  }
}
