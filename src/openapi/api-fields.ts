import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SNOWFLAKE } from '../common/validation/snowflake';

/**
 * How the internal API's fields are described in its OpenAPI document (GET /internal/openapi.json). The types
 * are spelled out rather than read from TypeScript's metadata, so the document is the same whether the code
 * was compiled whole (tsc) or file by file (ts-jest, ts-node).
 */

/** A Discord snowflake: a string of 17 to 20 digits. */
export const ApiSnowflake = (description?: string): PropertyDecorator =>
  ApiProperty({ type: String, pattern: SNOWFLAKE.source, ...(description ? { description } : {}) });

/** An optional snowflake. */
export const ApiOptionalSnowflake = (description?: string): PropertyDecorator =>
  ApiPropertyOptional({ type: String, pattern: SNOWFLAKE.source, ...(description ? { description } : {}) });

/** An optional list of snowflakes, null taken as absent. */
export const ApiSnowflakeList = (description: string, maxItems: number): PropertyDecorator =>
  ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', pattern: SNOWFLAKE.source },
    nullable: true,
    maxItems,
    description,
  });
