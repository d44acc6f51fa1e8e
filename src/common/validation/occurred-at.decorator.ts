import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, ValidateBy } from 'class-validator';

/** RFC 3339 date-time with a required offset (`Z` or `+hh:mm`), e.g. 2026-11-01T12:00:00Z. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

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
        'answered with stale: true. Without it, arrival order decides.',
    }),
    IsOptional(),
    ValidateBy({
      name: 'occurredAt',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && occurredAtMs(value) !== null,
        defaultMessage: () => 'occurred_at must be an RFC 3339 date-time with an offset, such as 2026-11-01T12:00:00Z',
      },
    }),
  );
}

/** occurred_at as epoch milliseconds; null when absent or not a valid RFC 3339 date-time. */
export function occurredAtMs(value: string | null | undefined): number | null {
  if (typeof value !== 'string' || !RFC3339.test(value)) return null;
  const [, month, day] = /^\d{4}-(\d{2})-(\d{2})/.exec(value) ?? [];
  const ms = Date.parse(value.replace(' ', 'T'));
  if (!Number.isFinite(ms)) return null;
  // Date.parse rolls 2026-02-31 over to March; a date that does not exist is refused.
  const days = new Date(Date.UTC(Number(value.slice(0, 4)), Number(month), 0)).getUTCDate();
  return Number(day) >= 1 && Number(day) <= days ? ms : null;
}
