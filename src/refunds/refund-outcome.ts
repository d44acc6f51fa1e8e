import { BackendError } from '../backend/backend.errors';
import type { RefundResponse } from './dto/refund.response';

/** The business refusals the backend is known to send, by the wording of its `message`. */
export type RefundRejection =
  'noCustomer' | 'noPaidInvoice' | 'noPaymentIntent' | 'overRefund' | 'alreadyRefunded' | 'other';

/** What one refund call came to, in the words the admin and the audit log need. */
export type RefundOutcome =
  | { kind: 'refunded'; refundId: string | null; amountRefunded: number | null }
  /** 200 success:false: the backend said no; nothing moved. */
  | { kind: 'rejected'; rejection: RefundRejection; message: string }
  /** 500 with the payment provider's detail ("Stripe error: ..."). */
  | { kind: 'provider_error'; detail: string }
  /** Refused before any work (bad secret, 4xx): nothing moved. */
  | { kind: 'failed'; detail: string }
  /** No usable answer: the refund may or may not have happened. Never retried. */
  | { kind: 'unknown'; cause: string };

const REJECTIONS: [RegExp, RefundRejection][] = [
  [/no customer found/i, 'noCustomer'],
  [/no paid invoice/i, 'noPaidInvoice'],
  [/no payment intent/i, 'noPaymentIntent'],
  [/greater than (the )?unrefunded amount/i, 'overRefund'],
  [/already been refunded/i, 'alreadyRefunded'],
];

export function rejectionOf(message: string): RefundRejection {
  return REJECTIONS.find(([pattern]) => pattern.test(message))?.[1] ?? 'other';
}

/** Reads the backend's answer to `POST /internal/subscription/refund`. */
export function outcomeOfResponse(response: RefundResponse): RefundOutcome {
  if (response.success && response.refunded) {
    return {
      kind: 'refunded',
      refundId: response.refund_id ?? null,
      amountRefunded: response.amount_refunded ?? null,
    };
  }
  return { kind: 'rejected', rejection: rejectionOf(response.message), message: response.message };
}

/**
 * Reads a failed refund call. Only answers that prove the backend did no work count as failures; anything
 * else (timeout, dropped connection, a proxy's 502, a garbled 200) may hide a refund that went through.
 */
export function outcomeOfError(error: unknown): RefundOutcome {
  if (!(error instanceof BackendError)) return { kind: 'unknown', cause: String(error) };
  switch (error.kind) {
    case 'server':
      return error.status === 500 && error.detail !== undefined
        ? { kind: 'provider_error', detail: error.detail }
        : { kind: 'unknown', cause: error.message };
    case 'auth':
    case 'client':
      return { kind: 'failed', detail: error.detail ?? `HTTP ${error.status ?? '?'}` };
    case 'timeout':
    case 'network':
    case 'invalid_response':
      return { kind: 'unknown', cause: error.message };
  }
}
