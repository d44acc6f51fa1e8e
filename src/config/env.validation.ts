import { applyDecorators } from '@nestjs/common';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
  type ValidationError,
} from 'class-validator';
import { SNOWFLAKE } from '../common/validation/snowflake';

const SNOWFLAKE_LIST = /^\s*([0-9]{17,20}\s*(,\s*[0-9]{17,20}\s*)*)?$/;
export const SUPPORTED_LOCALES = ['en-US', 'fr'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'verbose', 'trace', 'silent'] as const;
export const LOG_FORMATS = ['json', 'pretty'] as const;
export const ROLE_SYNC_SCOPES = ['all', 'holders'] as const;

/** Variables whose values must never appear in an error line or a log. */
const SECRET_VARIABLES = new Set([
  'DISCORD_TOKEN',
  'INTERNAL_API_SECRET',
  'INTERNAL_API_SIGNING_SECRET',
  'DATABASE_URL',
  'METRICS_TOKEN',
]);

const toBoolean = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off', ''].includes(v)) return false;
  return value;
};
const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
const emptyToUndefined = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/** An optional Discord id; empty counts as unset. */
const OptionalSnowflake = () =>
  applyDecorators(
    Transform(emptyToUndefined),
    IsOptional(),
    Matches(SNOWFLAKE, { message: 'must be a Discord id (17 to 20 digits)' }),
  );

/** An optional comma-separated list of Discord ids; empty counts as unset. */
const OptionalSnowflakeList = () =>
  applyDecorators(
    Transform(emptyToUndefined),
    IsOptional(),
    Matches(SNOWFLAKE_LIST, { message: 'must be a comma-separated list of Discord ids' }),
  );

/** An optional TCP port; empty counts as unset. */
const OptionalPort = () =>
  applyDecorators(Transform(emptyToUndefined), Transform(toInt), IsOptional(), IsInt(), Min(0), Max(65535));

/**
 * The process environment as the service accepts it. Validated once at boot (see loadConfig);
 * nothing else in the code reads process.env.
 */
export class EnvironmentVariables {
  @IsString()
  @MinLength(1)
  DISCORD_TOKEN!: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  DISCORD_API_URL?: string;

  @OptionalSnowflakeList()
  DISCORD_DEV_GUILD_IDS?: string;

  /** Discord's global limit is 50 requests/s; Discord raises it for some large bots, on request. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100000)
  DISCORD_GLOBAL_RATE_LIMIT: number = 50;

  /** `auto` (the count GET /gateway/bot recommends, all in this process) or a shard count, all in this process. */
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @Matches(/^(auto|[1-9][0-9]{0,4})$/, { message: 'must be auto or a shard count (1 to 99999)' })
  DISCORD_SHARDS: string = 'auto';

  /** The bot's total shard count when replicas split the shards (with DISCORD_SHARD_IDS). */
  @Transform(emptyToUndefined)
  @Transform(toInt)
  @IsOptional()
  @IsInt({ message: 'must be a whole number of shards' })
  @Min(1)
  @Max(99999)
  DISCORD_SHARD_COUNT?: number;

  /** The shards this replica runs, of DISCORD_SHARD_COUNT: `0,1` or `0-3`. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^\s*[0-9]{1,5}(\s*-\s*[0-9]{1,5})?(\s*,\s*[0-9]{1,5}(\s*-\s*[0-9]{1,5})?)*\s*$/, {
    message: 'must be a comma-separated list of shard ids or ranges, such as 0,1 or 0-3',
  })
  DISCORD_SHARD_IDS?: string;

  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters long' })
  INTERNAL_API_SECRET!: string;

  @Transform(toBoolean)
  @IsBoolean({ message: 'must be true or false' })
  INTERNAL_API_REQUIRE_SIGNATURE: boolean = false;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters long' })
  INTERNAL_API_SIGNING_SECRET?: string;

  @OptionalPort()
  PORT?: number;

  @OptionalPort()
  INTERNAL_PORT?: number;

  @IsString()
  @MinLength(1)
  HOST: string = '::';

  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  BACKEND_INTERNAL_URL: string = 'http://website-backend.railway.internal:8080';

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60000)
  BACKEND_TIMEOUT_MS: number = 5000;

  @OptionalSnowflake()
  MODDY_GUILD_ID?: string;

  @OptionalSnowflake()
  MODDY_PREMIUM_ROLE_ID?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  PLAN_ROLES?: string;

  @OptionalSnowflakeList()
  MANAGED_ROLE_IDS?: string;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(24 * 365)
  ROLE_SYNC_INTERVAL_HOURS: number = 24;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  ROLE_SYNC_BACKEND_RPS: number = 5;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  ROLE_SYNC_MAX_REMOVALS: number = 10;

  @IsIn(ROLE_SYNC_SCOPES, { message: `must be one of ${ROLE_SYNC_SCOPES.join(', ')}` })
  ROLE_SYNC_SCOPE: (typeof ROLE_SYNC_SCOPES)[number] = 'all';

  @OptionalSnowflakeList()
  ADMIN_USER_IDS?: string;

  @OptionalSnowflakeList()
  ADMIN_ROLE_IDS?: string;

  @OptionalSnowflake()
  AUDIT_CHANNEL_ID?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(512)
  BILLING_URL?: string;

  @IsIn(SUPPORTED_LOCALES, { message: `must be one of ${SUPPORTED_LOCALES.join(', ')}` })
  DEFAULT_LOCALE: (typeof SUPPORTED_LOCALES)[number] = 'en-US';

  @IsString()
  @MinLength(1)
  DATA_DIR: string = './data';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @IsIn(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  @IsIn(LOG_FORMATS, { message: `must be one of ${LOG_FORMATS.join(', ')}` })
  LOG_FORMAT: (typeof LOG_FORMATS)[number] = 'json';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters long' })
  METRICS_TOKEN?: string;
}

/** Every variable the service reads, in the order of the README's configuration table. */
const ENVIRONMENT_VARIABLES = [
  'DISCORD_TOKEN',
  'DISCORD_API_URL',
  'DISCORD_DEV_GUILD_IDS',
  'DISCORD_GLOBAL_RATE_LIMIT',
  'DISCORD_SHARDS',
  'DISCORD_SHARD_COUNT',
  'DISCORD_SHARD_IDS',
  'INTERNAL_API_SECRET',
  'INTERNAL_API_REQUIRE_SIGNATURE',
  'INTERNAL_API_SIGNING_SECRET',
  'PORT',
  'INTERNAL_PORT',
  'HOST',
  'BACKEND_INTERNAL_URL',
  'BACKEND_TIMEOUT_MS',
  'MODDY_GUILD_ID',
  'MODDY_PREMIUM_ROLE_ID',
  'PLAN_ROLES',
  'MANAGED_ROLE_IDS',
  'ROLE_SYNC_INTERVAL_HOURS',
  'ROLE_SYNC_BACKEND_RPS',
  'ROLE_SYNC_MAX_REMOVALS',
  'ROLE_SYNC_SCOPE',
  'ADMIN_USER_IDS',
  'ADMIN_ROLE_IDS',
  'AUDIT_CHANNEL_ID',
  'BILLING_URL',
  'DEFAULT_LOCALE',
  'DATA_DIR',
  'DATABASE_URL',
  'LOG_LEVEL',
  'LOG_FORMAT',
  'METRICS_TOKEN',
] as const satisfies readonly (keyof EnvironmentVariables)[];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

function describe(errors: ValidationError[], env: Record<string, unknown>): string[] {
  return errors.flatMap((error) => {
    const name = error.property;
    const messages = Object.values(error.constraints ?? {});
    const missing = env[name] === undefined || env[name] === '';
    if (missing) return [`${name} is required`];
    // The message of class-validator names the property, never the value; a secret stays out of it either way.
    const shown = SECRET_VARIABLES.has(name) ? '' : ` (got ${JSON.stringify(String(env[name])).slice(0, 80)})`;
    return [`${name} ${messages.map((m) => m.replace(new RegExp(`^${name}\\s*`), '')).join('; ')}${shown}`];
  });
}

/** Validates the environment; throws ConfigError with one line per bad or missing variable. */
export function validateEnvironment(env: Record<string, string | undefined>): EnvironmentVariables {
  const known: Record<string, string> = {};
  for (const name of ENVIRONMENT_VARIABLES) {
    const value = env[name];
    if (value !== undefined) known[name] = value;
  }
  const instance = plainToInstance(EnvironmentVariables, known, { exposeDefaultValues: true });
  const errors = validateSync(instance, { skipMissingProperties: false, forbidUnknownValues: true });
  if (errors.length > 0) throw new ConfigError(describe(errors, known));
  return instance;
}
