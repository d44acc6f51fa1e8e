import { Injectable } from '@nestjs/common';

/** How long Confirm/Cancel stay usable. */
export const CONFIRMATION_TTL_MS = 60_000;

/**
 * The refunds' clock, confirmation lifetime and audit retry delay, in one injectable so tests can move time instead of
 * waiting a minute. Production never changes them.
 */
@Injectable()
export class RefundTiming {
  confirmationTtlMs = CONFIRMATION_TTL_MS;
  /** The first wait before an audit write that failed is tried again; doubled at each try. */
  auditRetryBaseMs = 1_000;

  now(): number {
    return Date.now();
  }
}
