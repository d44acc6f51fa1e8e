import { applyDecorators } from '@nestjs/common';
import { IsInt, Max, Min } from 'class-validator';

/**
 * The largest amount, in minor units, the service takes: Stripe's largest for any currency (12 digits, for
 * IDR; 8 for most). Far inside Number's exact integers (2^53), so text shows it exactly, and inside
 * PostgreSQL's bigint, so every table holds it.
 */
export const MAX_MINOR_AMOUNT = 999_999_999_999;

/** An amount of money in integer minor units (9900 = 99.00 EUR), from `min` to MAX_MINOR_AMOUNT. */
export function MinorAmount(min: 0 | 1): PropertyDecorator {
  return applyDecorators(IsInt(), Min(min), Max(MAX_MINOR_AMOUNT));
}

/** Whether a free-form value is such an amount. */
export function isMinorAmount(value: unknown, min: 0 | 1): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= MAX_MINOR_AMOUNT;
}
