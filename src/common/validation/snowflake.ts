import { applyDecorators } from '@nestjs/common';
import { Matches, ValidateBy } from 'class-validator';

/**
 * A Discord id's shape, as the contract states it: 17 to 20 digits. The configuration and the OpenAPI
 * document use it; request bodies also check that the id is one Discord could have issued (isIssuableSnowflake).
 */
export const SNOWFLAKE = /^[0-9]{17,20}$/;

/** The largest snowflake: Discord ids are 64-bit integers that its own APIs read as signed. */
const MAX_SNOWFLAKE = '9223372036854775807';

/**
 * Whether a string is an id Discord could have issued: the shape of SNOWFLAKE, no leading zero (Discord writes
 * its ids as plain integers, so `0123...` would be another member's id written differently) and at most 2^63 - 1.
 */
export function isIssuableSnowflake(value: unknown): value is string {
  if (typeof value !== 'string' || !SNOWFLAKE.test(value) || value.startsWith('0')) return false;
  return value.length < MAX_SNOWFLAKE.length || (value.length === MAX_SNOWFLAKE.length && value <= MAX_SNOWFLAKE);
}

/** A request field that must be a snowflake Discord could have issued; `each` for a list of them. */
export function IsSnowflake(field: string, options: { each?: boolean } = {}): PropertyDecorator {
  const message = `${field} must be a Discord snowflake (17 to 20 digits)`;
  return applyDecorators(
    Matches(SNOWFLAKE, { ...options, message }),
    ValidateBy(
      {
        name: 'snowflake',
        validator: {
          validate: (value: unknown) => !SNOWFLAKE.test(String(value)) || isIssuableSnowflake(value),
          defaultMessage: () => `${field} is not an id Discord issues (no leading zero, at most 2^63 - 1)`,
        },
      },
      options,
    ),
  );
}
