import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { OccurredAt } from '../../common/validation/occurred-at.decorator';
import { SNOWFLAKE } from '../../common/validation/snowflake';
import { ApiOptionalSnowflake, ApiSnowflake, ApiSnowflakeList } from '../../openapi/api-fields';

const snowflakeMessage = (field: string) => ({ message: `${field} must be a Discord snowflake (17 to 20 digits)` });

/** Contract InternalUpdateRoleRequest (1.0, plus the NEW optional guild_id). */
@ApiSchema({ name: 'InternalUpdateRoleRequest' })
export class UpdateRolesRequest {
  @ApiSnowflake()
  @IsString()
  @Matches(SNOWFLAKE, snowflakeMessage('discord_id'))
  readonly discord_id!: string;

  @ApiProperty({
    type: String,
    minLength: 1,
    maxLength: 64,
    description: 'Without add_roles and remove_roles, the roles come from PLAN_ROLES; free removes them all.',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  readonly plan!: string;

  @ApiSnowflakeList('Role ids to add; with remove_roles null or absent too, the roles come from plan.', 25)
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(25)
  @Matches(SNOWFLAKE, { each: true, ...snowflakeMessage('each role id') })
  readonly add_roles?: string[] | null;

  @ApiSnowflakeList('Role ids to remove.', 25)
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(25)
  @Matches(SNOWFLAKE, { each: true, ...snowflakeMessage('each role id') })
  readonly remove_roles?: string[] | null;

  @ApiOptionalSnowflake('NEW in 1.1. A guild the bot is in; MODDY_GUILD_ID when absent.')
  @IsOptional()
  @Matches(SNOWFLAKE, snowflakeMessage('guild_id'))
  readonly guild_id?: string;

  /** NEW in 1.1: when the billing event happened; an older state change than the one applied is stale. */
  @OccurredAt()
  readonly occurred_at?: string | null;
}
