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
  /** The process serving the first request (INSTANCE_ID), while it is being served. */
  owner: string | null;
  /** Until when that process holds the key; it renews this while alive, so a crash frees the key quickly. */
  lease_until: number | null;
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

/** The columns every durable queue table has: at-least-once delivery with a lease. */
export interface QueueColumns {
  id: string;
  /** pending until delivered; then a final state of the table's own (sent, dead, ...). */
  state: string;
  attempts: number;
  next_attempt_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
}

/** The billing inbox: every notification the backend handed over, and where its DM stands. */
export interface NotificationTable extends QueueColumns {
  discord_id: string;
  /** subscription | invoice */
  kind: string;
  /** The contract action (subscription_created, ...) or invoice event (invoice_paid, payment_failed). */
  action: string;
  /** (discord_id, action, subscription/invoice/event id): one DM per key within 24 h. */
  dedup_key: string;
  dedup_until: number;
  /** What the DM is built from (no personal data): JSON. */
  payload: string;
}

/** Analytics events for the backend's POST /internal/event/notify, delivered through the queue. */
export interface OutboundEventTable extends QueueColumns {
  event_type: string;
  discord_id: string;
  metadata: string | null;
}

/** A role change for a member who is not in the guild yet: applied when they join. Latest wins. */
export interface PendingRoleChangeTable {
  guild_id: string;
  discord_id: string;
  plan: string;
  add_roles: string | null;
  remove_roles: string | null;
  created_at: number;
  expires_at: number;
}

/** What the bot remembers of a member: the language they last used, their premium state. */
export interface MemberProfileTable {
  discord_id: string;
  locale: string | null;
  /** 1 premium, 0 not, null never told. */
  premium: number | null;
  plan: string | null;
  updated_at: number;
}

/** The signature of each signed request accepted within its window (InternalApiGuard refuses a replay). */
export interface SignatureUseTable {
  /** The request's X-Moddy-Signature, as lowercase hex. */
  signature: string;
  /** When its timestamp leaves the window (epoch ms). */
  expires_at: number;
}

export interface Tables {
  idempotency_keys: IdempotencyKeyTable;
  notifications: NotificationTable;
  outbound_events: OutboundEventTable;
  pending_role_changes: PendingRoleChangeTable;
  member_profiles: MemberProfileTable;
  refund_confirmations: RefundConfirmationTable;
  refund_notices: RefundNoticeTable;
  refund_audit: RefundAuditTable;
  signature_uses: SignatureUseTable;
}

export type Db = Kysely<Tables>;
export type { Generated };
