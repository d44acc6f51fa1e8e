import { ArrayMaxSize, IsArray, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { OccurredAt } from '../../common/validation/occurred-at.decorator';
import { SNOWFLAKE } from '../../config/env.validation';

const snowflakeMessage = (field: string) => ({ message: `${field} must be a Discord snowflake (17 to 20 digits)` });

/** Contract InternalUpdateRoleRequest (1.0, plus the NEW optional guild_id). */
export class UpdateRolesRequest {
  @IsString()
  @Matches(SNOWFLAKE, snowflakeMessage('discord_id'))
  readonly discord_id!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(64)
  readonly plan!: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(25)
  @Matches(SNOWFLAKE, { each: true, ...snowflakeMessage('each role id') })
  readonly add_roles?: string[] | null;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(25)
  @Matches(SNOWFLAKE, { each: true, ...snowflakeMessage('each role id') })
  readonly remove_roles?: string[] | null;

  @IsOptional()
  @Matches(SNOWFLAKE, snowflakeMessage('guild_id'))
  readonly guild_id?: string;

  /** NEW in 1.1: when the billing event happened; an older state change than the one applied is stale. */
  @OccurredAt()
  readonly occurred_at?: string | null;
}
