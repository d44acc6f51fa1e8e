import type { RefundDmInput } from './refund-dm';

/** The subscription events of the contract's `POST /internal/notify`. */
export const NOTIFY_ACTIONS = [
  'subscription_created',
  'subscription_updated',
  'subscription_cancelled',
  'plan_upgraded',
  'plan_downgraded',
] as const;
export type NotifyAction = (typeof NOTIFY_ACTIONS)[number];

export type InvoiceEvent = 'invoice_paid' | 'payment_failed';

/** A subscription event's DM: what it is built from (no personal data). */
export interface SubscriptionDm {
  action: NotifyAction;
  plan: string | null;
  /** Only the metadata fields a DM may use (see usableMetadata). */
  metadata: Record<string, unknown>;
}

/** An invoice event's DM. */
export interface InvoiceDm {
  event: InvoiceEvent;
  invoice: { amount: number; currency: string; created: string; invoice_pdf?: string | null };
}

/**
 * Every kind of DM a member gets, and what each is built from: the billing inbox's job map. A kind added here
 * without a renderer (DM_RENDERERS) or missing from the inbox's kind column (NotificationKind) does not compile.
 */
export interface DmJobs {
  subscription: SubscriptionDm;
  invoice: InvoiceDm;
  refund: RefundDmInput;
}

export type DmKind = keyof DmJobs;
