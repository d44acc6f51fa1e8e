import type { Generated, Kysely } from 'kysely';

/** Times are epoch milliseconds in both dialects; JSON is stored as text so both dialects read it alike. */
export interface IdempotencyKeyTable {
  key: string;
  request_hash: string;
  /** null while the first request with this key is still being served. */
  status_code: number | null;
  response_body: string | null;
  created_at: number;
  expires_at: number;
}

/** One `/admin refund` confirmation: what the admin saw, and where it stands. The state column is the durable guard. */
export interface RefundConfirmationTable {
  /** The slash command's interaction id; also the refund's Idempotency-Key suffix. */
  id: string;
  admin_id: string;
  target_id: string;
  /** Requested minor units; null asks for the whole last paid invoice. */
  amount: number | null;
  currency: string;
  invoice_id: string;
  invoice_amount: number;
  invoice_created: string;
  reason: string | null;
  locale: string;
  /** pending | sending | refunded | rejected | provider_error | failed | unknown | cancelled | expired */
  state: string;
  created_at: number;
  expires_at: number;
  updated_at: number;
  /** The button interaction that won the claim. */
  claimed_by: string | null;
  refund_id: string | null;
  amount_refunded: number | null;
  detail: string | null;
}

/** One row per refund id that the member was (or is being) told about, so they are told once. */
export interface RefundNoticeTable {
  refund_id: string;
  discord_id: string;
  /** sending | sent | dm_closed | unknown_user | failed */
  state: string;
  created_at: number;
  updated_at: number;
}

/** The refund audit trail: every refund attempt made from Discord and every refund reported by the backend. */
export interface RefundAuditTable {
  id: string;
  /** command | notify */
  source: string;
  confirmation_id: string | null;
  admin_id: string | null;
  target_id: string;
  amount: number | null;
  currency: string | null;
  reason: string | null;
  /** refunded | rejected | provider_error | failed | unknown | notified */
  outcome: string;
  refund_id: string | null;
  detail: string | null;
  created_at: number;
  /** When it was posted to AUDIT_CHANNEL_ID; null when not (no channel, or Discord refused). */
  posted_at: number | null;
}

export interface Tables {
  idempotency_keys: IdempotencyKeyTable;
  refund_confirmations: RefundConfirmationTable;
  refund_notices: RefundNoticeTable;
  refund_audit: RefundAuditTable;
}

export type Db = Kysely<Tables>;
export type { Generated };
