import type { Kysely } from 'kysely';

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

/** Where a refund confirmation stands. Only `pending` can move on; every other state is final, except `sending`. */
export type ConfirmationState =
  'pending' | 'sending' | 'refunded' | 'rejected' | 'provider_error' | 'failed' | 'unknown' | 'cancelled' | 'expired';

/**
 * What the member was told about a refund: `failed` may be tried again; `queued` means the billing inbox
 * holds the DM and delivers it when Discord answers; the rest are final.
 */
export type NoticeState = 'sending' | 'sent' | 'dm_closed' | 'unknown_user' | 'queued' | 'failed';

export type AuditOutcome = 'refunded' | 'rejected' | 'provider_error' | 'failed' | 'unknown' | 'notified';

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
  state: ConfirmationState;
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
  state: NoticeState;
  created_at: number;
  updated_at: number;
}

/** The refund audit trail: every refund attempt made from Discord and every refund reported by the backend. */
export interface RefundAuditTable {
  id: string;
  /** A refund sent from Discord, or one the backend reported. */
  source: 'command' | 'notify';
  confirmation_id: string | null;
  admin_id: string | null;
  target_id: string;
  amount: number | null;
  currency: string | null;
  reason: string | null;
  outcome: AuditOutcome;
  refund_id: string | null;
  detail: string | null;
  created_at: number;
  /** When it was posted to AUDIT_CHANNEL_ID; null when not (no channel, or Discord refused). */
  posted_at: number | null;
}

/** Where a queued job stands: `pending` until delivered, then one of its table's final states or `dead`. */
export type QueueState<Final extends string> = 'pending' | 'dead' | Final;

/** The columns every durable queue table has: at-least-once delivery with a lease. */
export interface QueueColumns<Final extends string = string> {
  id: string;
  state: QueueState<Final>;
  attempts: number;
  next_attempt_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
}

/** The columns of a queued job: what it is, whom it is about, what it carries, and its de-duplication key. */
export interface JobColumns<Kind extends string, Final extends string> extends QueueColumns<Final> {
  kind: Kind;
  discord_id: string;
  /** The job's payload as JSON (no personal data); null for a job that carries none. */
  payload: string | null;
  /** One job per key within the queue's de-duplication window; null for a job that is never de-duplicated. */
  dedup_key: string | null;
  dedup_until: number | null;
}

/** The kinds of DM the billing inbox holds. */
export type NotificationKind = 'subscription' | 'invoice' | 'refund';

/** Where one DM to a member stands; every state but `pending` is final (staff may send a failed one again). */
export type NotificationState = QueueState<'sent' | 'dm_closed' | 'unknown_user' | 'failed'>;

/** The billing inbox: every notification the backend handed over, and where its DM stands. */
export interface NotificationTable extends JobColumns<
  NotificationKind,
  Exclude<NotificationState, 'pending' | 'dead'>
> {
  /** The contract action (subscription_created, ...), invoice event (invoice_paid, payment_failed) or `refund`. */
  action: string;
  /** (discord_id, action, subscription/invoice/event id): one DM per key within 24 h. */
  dedup_key: string;
  dedup_until: number;
  /** What the DM is built from (no personal data): JSON. */
  payload: string;
}

/** The Discord events the backend's `POST /internal/event/notify` takes (contract OutboundEventType). */
export type OutboundEventType = 'member_joined' | 'member_left' | 'role_updated' | 'command_used' | 'message_sent';

/** Analytics events for the backend's POST /internal/event/notify, delivered through the queue. */
export type OutboundEventTable = JobColumns<OutboundEventType, 'sent' | 'failed'>;

/**
 * Reads of a member's truth the role engine owes (a member the ledger never heard of joined): stored before
 * they are made, so a restart or a failing backend delays one and never loses it.
 */
export type MemberCheckTable = JobColumns<'join', 'done' | 'failed'>;

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
  /** occurred_at of the event that set premium (epoch ms): an older event leaves it as it is. */
  premium_occurred_at: number | null;
  updated_at: number;
  /** Until when the member's DMs are known closed (Discord said 50007): no automatic DM is tried before. */
  dm_closed_until: number | null;
  /** The DM channel Discord opened with the member (stable per member): a DM then costs one request. */
  dm_channel_id: string | null;
}

/** How a role change for one member ended (or where it waits). */
export type RoleChangeState =
  /** Stored, not applied yet (the converger or the worker will). */
  | 'pending'
  /** The member is not in the guild: applied when they join, unless it expires first. */
  | 'waiting_join'
  | 'applied'
  /** Applied, but Discord refused at least one of its roles (see results). */
  | 'failed'
  /** Every role it named was replaced by a later change for the member before it was applied. */
  | 'superseded'
  /** Its occurred_at was older than the change already applied: nothing changed. */
  | 'stale'
  /** Waited for a join longer than the pending window. */
  | 'expired';

/** Who asked for a role change. */
export type RoleChangeSource =
  'backend' | 'refresh' | 'join' | 'staff_sync' | 'sweep' | 'brake' | 'grant' | 'grant_end' | 'self_heal';

export type MemberRoleState = 'idle' | 'pending' | 'waiting_join';

/**
 * One member's role truth in one guild: the intended presence of each role and which intents are applied.
 * The row is also the converger's lock: a pass holds its lease, so one member is converged by one worker
 * at a time, across replicas.
 */
export interface MemberRolesTable {
  guild_id: string;
  discord_id: string;
  /** The latest intent's number; intents are numbered 1, 2, ... per member. */
  version: number;
  /** Every intent up to this number is settled. */
  applied_version: number;
  /** The latest occurred_at among accepted intents (epoch ms): an older one is stale. */
  occurred_at: number | null;
  /** JSON DesiredRoles: role id -> { want, v (intent that set it), done (intent applied), outcome, reason }. */
  desired: string;
  state: MemberRoleState;
  /** Bumped by each join, so a pass that saw "not a member" just before a join does not park the member. */
  joins: number;
  attempts: number;
  next_attempt_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  last_error: string | null;
  /** While waiting for a join: when the waiting changes expire. */
  expires_at: number | null;
  updated_at: number;
}

/** One requested role change and what came of it: the answer to its caller, and the member's history. */
export interface RoleChangeTable {
  id: string;
  guild_id: string;
  discord_id: string;
  version: number;
  source: RoleChangeSource;
  /** The staff member behind it (sync, brake, grant), if any. */
  actor_id: string | null;
  plan: string | null;
  /** JSON: role id -> true (add) | false (remove). */
  changes: string;
  occurred_at: number | null;
  state: RoleChangeState;
  /** JSON RoleResult[] once settled. */
  results: string | null;
  created_at: number;
  settled_at: number | null;
}

/** Premium given on purpose by staff (partners, giveaways): a source of entitlement beside the subscription. */
export interface PremiumGrantTable {
  id: string;
  discord_id: string;
  plan: string;
  granted_by: string;
  reason: string | null;
  created_at: number;
  expires_at: number;
  /** Set when it ended: revoked by staff, or expired and processed. */
  ended_at: number | null;
  ended_by: string | null;
}

export type RoleSweepTrigger = 'schedule' | 'outage' | 'staff';
export type RoleSweepState =
  | 'requested'
  | 'running'
  | 'done'
  /** Done, but its removals wait for a staff decision (the safety brake). */
  | 'held'
  | 'applying'
  | 'applied'
  | 'dismissed';

/** One sweep of the Moddy guild's plan roles against the subscription truth. */
export interface RoleSweepTable {
  id: string;
  trigger: RoleSweepTrigger;
  requested_by: string | null;
  state: RoleSweepState;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  /** JSON SweepSummary. */
  summary: string | null;
  /** JSON HeldRemoval[]: the removals the brake held back. */
  held: string | null;
  channel_id: string | null;
  message_id: string | null;
  decided_by: string | null;
  decided_at: number | null;
  /** JSON: what Apply did. */
  decision: string | null;
  /** `all` (every member) or `holders`; null for sweeps from before 0008 (holders). */
  scope: 'all' | 'holders' | null;
  /** JSON SweepProgress while it runs: where a sweep taken over after a crash goes on from. */
  progress: string | null;
}

/** Named leases: one holder at a time across replicas (the sweep). */
export interface LeaseTable {
  name: string;
  owner: string;
  lease_until: number;
}

/** The signature of each signed request accepted within its window (InternalApiGuard refuses a replay). */
export interface SignatureUseTable {
  /** The request's X-Moddy-Signature, as lowercase hex. */
  signature: string;
  /** When its timestamp leaves the window (epoch ms). */
  expires_at: number;
  /** The Idempotency-Key of the request that first used it; null for none. */
  idempotency_key: string | null;
}

/** One row the readiness probe writes. */
export interface StoreProbeTable {
  id: number;
  checked_at: number;
}

export interface Tables {
  idempotency_keys: IdempotencyKeyTable;
  notifications: NotificationTable;
  outbound_events: OutboundEventTable;
  member_checks: MemberCheckTable;
  pending_role_changes: PendingRoleChangeTable;
  member_profiles: MemberProfileTable;
  refund_confirmations: RefundConfirmationTable;
  refund_notices: RefundNoticeTable;
  refund_audit: RefundAuditTable;
  member_roles: MemberRolesTable;
  role_changes: RoleChangeTable;
  premium_grants: PremiumGrantTable;
  role_sweeps: RoleSweepTable;
  leases: LeaseTable;
  signature_uses: SignatureUseTable;
  store_probe: StoreProbeTable;
}

export type Db = Kysely<Tables>;
