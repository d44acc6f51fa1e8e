import { Injectable, Logger } from '@nestjs/common';
import type { SupportedLocale } from '../config/app-config';
import { minorUnitDigits } from '../discord/format';
import type { InvoiceInfo } from '../invoices/dto/invoice-info.dto';
import { InvoicesClient } from '../invoices/invoices.client';
import { parseRefundAmount, type RefundAmountProblem } from './refund-amount';
import { refundAmountOf, type DmStatus, type RefundButtonAction } from './refund-admin.view';
import { RefundAuditTrail } from './refund-audit-trail';
import { RefundNotices } from './refund-notices.service';
import { outcomeOfError, outcomeOfResponse, type RefundOutcome } from './refund-outcome';
import { RefundTiming } from './refund-timing';
import { RefundsClient } from './refunds.client';
import {
  RefundsRepository,
  type ConfirmationState,
  type FinishedState,
  type RefundConfirmation,
} from './refunds.repository';

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
}

/** What `/admin refund` came to: a confirmation to show, or why there is none. */
export type Prepared =
  | { kind: 'noPaidInvoice' }
  | { kind: 'badAmount'; problem: RefundAmountProblem; currency: string }
  | { kind: 'aboveInvoice'; minor: number; invoice: InvoiceInfo }
  | { kind: 'confirm'; confirmation: RefundConfirmation };

/** What a Confirm or Cancel click came to. */
export type Pressed =
  /** No such confirmation (or long gone). */
  | { kind: 'unknown' }
  /** Another staff member's confirmation. */
  | { kind: 'notYours' }
  /** Someone (or something) decided it before this click; it stands in `state`. */
  | { kind: 'decided'; state: ConfirmationState }
  | { kind: 'expired'; confirmation: RefundConfirmation }
  | { kind: 'cancelled'; confirmation: RefundConfirmation }
  /** The one refund call was made: its outcome, and what the member was told. */
  | { kind: 'sent'; confirmation: RefundConfirmation; outcome: RefundOutcome; dm?: DmStatus };

/** The newest invoices looked at for the last paid one (the backend's maximum). */
const INVOICES_LOOKUP_LIMIT = 100;

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
 * member's DM and the audit trail. Only the claim in the database decides who sends the refund; this
 * replica's memory never does. It returns what happened; the commands show it.
 */
@Injectable()
export class RefundConfirmations {
  private readonly logger = new Logger(RefundConfirmations.name);

  constructor(
    private readonly repository: RefundsRepository,
    private readonly invoices: InvoicesClient,
    private readonly refunds: RefundsClient,
    private readonly timing: RefundTiming,
    private readonly auditTrail: RefundAuditTrail,
    private readonly notices: RefundNotices,
  ) {}

  /** Checks the request against the member's last paid invoice and stores the confirmation. Nothing moves yet. */
  async prepare(draft: RefundDraft): Promise<Prepared> {
    const { invoices } = await this.invoices.list(draft.targetId, INVOICES_LOOKUP_LIMIT);
    // Newest first: the first paid one is the one the backend refunds.
    const invoice = invoices.find((i) => i.status === 'paid');
    if (!invoice) return { kind: 'noPaidInvoice' };
    let amount: number | null = null;
    if (draft.amount !== undefined && draft.amount !== null) {
      const parsed = parseRefundAmount(draft.amount, minorUnitDigits(invoice.currency));
      if (!parsed.ok) return { kind: 'badAmount', problem: parsed.problem, currency: invoice.currency };
      if (parsed.minor > invoice.amount) return { kind: 'aboveInvoice', minor: parsed.minor, invoice };
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
      locale: draft.locale,
      state: 'pending',
      createdAt: now,
      expiresAt: now + this.timing.confirmationTtlMs,
      refundId: null,
      amountRefunded: null,
    };
    // Stored before it is shown, so no click can arrive for a confirmation the database does not know.
    await this.repository.createConfirmation(confirmation);
    return { kind: 'confirm', confirmation };
  }

  /** Confirm or Cancel. */
  async press(press: RefundPress): Promise<Pressed> {
    const confirmation = await this.repository.findConfirmation(press.confirmationId);
    if (!confirmation) return { kind: 'unknown' };
    if (confirmation.adminId !== press.userId) {
      this.logger.warn(`User ${press.userId} pressed refund ${confirmation.id} of staff ${confirmation.adminId}`);
      return { kind: 'notYours' };
    }
    if (confirmation.state !== 'pending') return { kind: 'decided', state: confirmation.state };
    const now = this.timing.now();
    if (now >= confirmation.expiresAt) {
      if (await this.repository.close(confirmation.id, 'expired', now)) return { kind: 'expired', confirmation };
      return this.decided(confirmation.id);
    }
    if (press.action === 'cancel') {
      if (!(await this.repository.close(confirmation.id, 'cancelled', now))) return this.decided(confirmation.id);
      this.logger.log(`Refund ${confirmation.id} cancelled by ${press.userId}`);
      return { kind: 'cancelled', confirmation };
    }
    if (!(await this.repository.claim(confirmation.id, press.userId, press.interactionId, now))) {
      return this.decided(confirmation.id);
    }
    return this.send(confirmation);
  }

  /** Closes a confirmation nobody decided in time; true when this call closed it. */
  expire(confirmation: RefundConfirmation): Promise<boolean> {
    return this.repository.close(confirmation.id, 'expired', this.timing.now());
  }

  /** The one refund call of a claimed confirmation; never retried, whatever happens. */
  private async send(confirmation: RefundConfirmation): Promise<Pressed> {
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
        this.notices.tellMemberOnce(confirmation.targetId, amount, confirmation.currency, refundId),
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
    return { kind: 'sent', confirmation, outcome, dm };
  }

  private async decided(id: string): Promise<Pressed> {
    const current = await this.repository.findConfirmation(id);
    return { kind: 'decided', state: current?.state ?? 'expired' };
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
