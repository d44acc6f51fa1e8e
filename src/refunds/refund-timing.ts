import { Injectable } from '@nestjs/common';

/** How long Confirm/Cancel stay usable. */
export const CONFIRMATION_TTL_MS = 60_000;

/**
 * The refunds' clock and confirmation lifetime, in one injectable so tests can move time instead of
 * waiting a minute. Production never changes them.
 */
@Injectable()
export class RefundTiming {
  confirmationTtlMs = CONFIRMATION_TTL_MS;

  now(): number {
    return Date.now();
  }
}
