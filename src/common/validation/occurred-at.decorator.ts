import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, ValidateBy } from 'class-validator';

/**
 * RFC 3339 date-time with a required offset (`Z` or `+hh:mm`), e.g. 2026-11-01T12:00:00Z: years 0001-9999,
 * hours 00-23, minutes and seconds 00-59, offsets up to 23:59.
 */
const RFC3339 =
  /^(?!0000)\d{4}-\d{2}-\d{2}[Tt ]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

/**
 * How far ahead of the service's clock an event may say it happened (contract 1.2): a skewed clock on the
 * backend is tolerated, a time from the future is not. One such value would otherwise outrank every real
 * event for the member for good.
 */
export const OCCURRED_AT_MAX_SKEW_MS = 5 * 60_000;

/** The last instant of year 9999, UTC: `9999-12-31T23:59:59-23:59` would be year 10000. */
const LAST_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** occurred_at (contract 1.1, optional): when the billing event happened. */
export function OccurredAt(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      type: String,
      format: 'date-time',
      nullable: true,
      description:
        'NEW in 1.1. When the billing event happened (RFC 3339 with an offset, e.g. 2026-11-01T12:00:00Z). A change ' +
        'of roles or premium state older than the one already applied for the member changes nothing and is ' +
        "answered with stale: true. Without it, arrival order decides. NEW in 1.2: at most 5 minutes ahead of the bot's " +
        'clock (else 422, nothing stored); hours 00-23, years 0001-9999.',
    }),
    IsOptional(),
    ValidateBy({
      name: 'occurredAt',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && occurredAtProblem(value) === undefined,
        defaultMessage: (args) =>
          (typeof args?.value === 'string' ? occurredAtProblem(args.value) : undefined) ?? FORMAT_PROBLEM,
      },
    }),
  );
}

const FORMAT_PROBLEM = 'occurred_at must be an RFC 3339 date-time with an offset, such as 2026-11-01T12:00:00Z';

/** Why an occurred_at is refused, or undefined when it is accepted. */
export function occurredAtProblem(value: string, now = Date.now()): string | undefined {
  const ms = occurredAtMs(value);
  if (ms === null) return FORMAT_PROBLEM;
  if (ms > LAST_INSTANT) return 'occurred_at must fall within the years 0001 to 9999 (UTC)';
  if (ms > now + OCCURRED_AT_MAX_SKEW_MS) {
    return `occurred_at is more than 5 minutes ahead of the service's clock (now ${new Date(now).toISOString()})`;
  }
  return undefined;
}

/** occurred_at as epoch milliseconds; null when absent or not a valid RFC 3339 date-time. */
export function occurredAtMs(value: string | null | undefined): number | null {
  if (typeof value !== 'string' || !RFC3339.test(value)) return null;
  const [, month, day] = /^\d{4}-(\d{2})-(\d{2})/.exec(value) ?? [];
  const ms = Date.parse(value.replace(' ', 'T'));
  if (!Number.isFinite(ms)) return null;
  // Date.parse rolls 2026-02-31 over to March; a date that does not exist is refused.
  const lastDay = new Date(0);
  lastDay.setUTCFullYear(Number(value.slice(0, 4)), Number(month), 0); // Date.UTC maps years 0-99 to 19xx
  const days = lastDay.getUTCDate();
  return Number(day) >= 1 && Number(day) <= days ? ms : null;
}
