import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Selectable } from 'kysely';
import { DatabaseService } from '../storage/database.service';
import type {
  AuditOutcome,
  ConfirmationState,
  NoticeState,
  RefundAuditTable,
  RefundConfirmationTable,
} from '../storage/tables';

export type { AuditOutcome, ConfirmationState, NoticeState };

/** The outcome states a confirmation can finish in after its refund call. */
export type FinishedState = Extract<
  ConfirmationState,
  'refunded' | 'rejected' | 'provider_error' | 'failed' | 'unknown'
>;

export interface RefundConfirmation {
  id: string;
  adminId: string;
  targetId: string;
  amount: number | null;
  currency: string;
  invoiceId: string;
  invoiceAmount: number;
  invoiceCreated: string;
  reason: string | null;
  locale: string;
  state: ConfirmationState;
  createdAt: number;
  expiresAt: number;
  refundId: string | null;
  amountRefunded: number | null;
}

export type NewRefundConfirmation = Omit<RefundConfirmation, 'state' | 'refundId' | 'amountRefunded'>;

export type NoticeClaim =
  /** This caller tells the member; `retry` when an earlier attempt could not reach Discord. */
  | { kind: 'claimed'; retry: boolean }
  /** Someone else did or is doing it. */
  | { kind: 'duplicate'; state: NoticeState };

export interface RefundAuditEntry {
  source: 'command' | 'notify';
  confirmationId: string | null;
  adminId: string | null;
  targetId: string;
  amount: number | null;
  currency: string | null;
  reason: string | null;
  outcome: AuditOutcome;
  refundId: string | null;
  detail: string | null;
}

/** Text from the backend as a table can hold it: PostgreSQL refuses NUL in text, so it is taken out. */
const storable = (text: string | null | undefined): string | null => (text ?? null)?.replaceAll('\0', '') ?? null;

/** A notice left in `sending` this long belongs to a request that died; another may take it over. */
export const STALE_NOTICE_MS = 60_000;

const toConfirmation = (row: Selectable<RefundConfirmationTable>): RefundConfirmation => ({
  id: row.id,
  adminId: row.admin_id,
  targetId: row.target_id,
  amount: row.amount === null ? null : Number(row.amount),
  currency: row.currency,
  invoiceId: row.invoice_id,
  invoiceAmount: Number(row.invoice_amount),
  invoiceCreated: row.invoice_created,
  reason: row.reason,
  locale: row.locale,
  state: row.state,
  createdAt: Number(row.created_at),
  expiresAt: Number(row.expires_at),
  refundId: row.refund_id,
  amountRefunded: row.amount_refunded === null ? null : Number(row.amount_refunded),
});

/**
 * The refunds' durable state. Every state change is one conditional statement, so two replicas (or two
 * clicks on one replica) racing for the same confirmation or refund id see exactly one winner.
 */
@Injectable()
export class RefundsRepository {
  constructor(private readonly database: DatabaseService) {}

  private get db() {
    return this.database.db;
  }

  async createConfirmation(confirmation: NewRefundConfirmation): Promise<void> {
    await this.db
      .insertInto('refund_confirmations')
      .values({
        id: confirmation.id,
        admin_id: confirmation.adminId,
        target_id: confirmation.targetId,
        amount: confirmation.amount,
        currency: confirmation.currency,
        invoice_id: storable(confirmation.invoiceId) ?? '',
        invoice_amount: confirmation.invoiceAmount,
        invoice_created: storable(confirmation.invoiceCreated) ?? '',
        reason: storable(confirmation.reason),
        locale: confirmation.locale,
        state: 'pending',
        created_at: confirmation.createdAt,
        expires_at: confirmation.expiresAt,
        updated_at: confirmation.createdAt,
        claimed_by: null,
        refund_id: null,
        amount_refunded: null,
        detail: null,
      })
      .execute();
  }

  async findConfirmation(id: string): Promise<RefundConfirmation | undefined> {
    const row = await this.db.selectFrom('refund_confirmations').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toConfirmation(row) : undefined;
  }

  /**
   * Takes the confirmation for sending its refund: pending -> sending, only for its admin and only before
   * it expires. True for exactly one caller, whatever the number of clicks, re-deliveries or replicas.
   */
  async claim(id: string, adminId: string, claimedBy: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('refund_confirmations')
      .set({ state: 'sending', claimed_by: claimedBy, updated_at: now })
      .where('id', '=', id)
      .where('state', '=', 'pending')
      .where('admin_id', '=', adminId)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Closes a pending confirmation without a refund (cancel, expiry); true when this caller closed it. */
  async close(id: string, state: 'cancelled' | 'expired', now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('refund_confirmations')
      .set({ state, updated_at: now })
      .where('id', '=', id)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Records what the refund call gave; only the claimant (state sending) writes it. */
  async finish(
    id: string,
    state: FinishedState,
    result: { refundId?: string | null; amountRefunded?: number | null; detail?: string | null },
    now: number,
  ): Promise<void> {
    await this.db
      .updateTable('refund_confirmations')
      .set({
        state,
        refund_id: storable(result.refundId),
        amount_refunded: result.amountRefunded ?? null,
        detail: storable(result.detail),
        updated_at: now,
      })
      .where('id', '=', id)
      .where('state', '=', 'sending')
      .execute();
  }

  /**
   * Takes the right to tell the member about `refundId`: the first caller inserts the row; a later one
   * may take over only an attempt that could not reach Discord, or one whose owner died mid-way.
   */
  async claimNotice(refundId: string, discordId: string, now: number): Promise<NoticeClaim> {
    const inserted = await this.db
      .insertInto('refund_notices')
      .values({ refund_id: refundId, discord_id: discordId, state: 'sending', created_at: now, updated_at: now })
      .onConflict((oc) => oc.column('refund_id').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return { kind: 'claimed', retry: false };

    const row = await this.db
      .selectFrom('refund_notices')
      .selectAll()
      .where('refund_id', '=', refundId)
      .executeTakeFirst();
    if (!row) return this.claimNotice(refundId, discordId, now);
    const state = row.state;
    const stale = state === 'sending' && now - Number(row.updated_at) > STALE_NOTICE_MS;
    if (state === 'failed' || stale) {
      const taken = await this.db
        .updateTable('refund_notices')
        .set({ state: 'sending', updated_at: now })
        .where('refund_id', '=', refundId)
        .where('state', '=', state)
        .where('updated_at', '=', row.updated_at)
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) === 1) return { kind: 'claimed', retry: true };
      return { kind: 'duplicate', state: 'sending' };
    }
    return { kind: 'duplicate', state };
  }

  async finishNotice(refundId: string, state: Exclude<NoticeState, 'sending'>, now: number): Promise<void> {
    await this.db
      .updateTable('refund_notices')
      .set({ state, updated_at: now })
      .where('refund_id', '=', refundId)
      .execute();
  }

  /**
   * Stores an audit entry under `id`; writing the same id again changes nothing, so a retry after a write
   * whose answer was lost does not store it twice.
   */
  async audit(entry: RefundAuditEntry, now: number, id: string = randomUUID(), postedAt: number | null = null) {
    await this.db
      .insertInto('refund_audit')
      .values({
        id,
        source: entry.source,
        confirmation_id: entry.confirmationId,
        admin_id: entry.adminId,
        target_id: entry.targetId,
        amount: entry.amount,
        currency: entry.currency,
        reason: storable(entry.reason),
        outcome: entry.outcome,
        refund_id: storable(entry.refundId),
        detail: storable(entry.detail),
        created_at: now,
        posted_at: postedAt,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    return id;
  }

  /** The member's latest refunds, newest first (the support desk's history). */
  auditOf(targetId: string, limit: number): Promise<RefundAuditTable[]> {
    return this.db
      .selectFrom('refund_audit')
      .selectAll()
      .where('target_id', '=', targetId)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
  }

  async markAuditPosted(id: string, now: number): Promise<void> {
    await this.db.updateTable('refund_audit').set({ posted_at: now }).where('id', '=', id).execute();
  }
}
