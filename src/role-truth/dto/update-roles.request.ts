import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { OccurredAt } from '../../common/validation/occurred-at.decorator';
import { IsSnowflake } from '../../common/validation/snowflake';
import { ApiOptionalSnowflake, ApiSnowflake, ApiSnowflakeList } from '../../openapi/api-fields';

/** Contract InternalUpdateRoleRequest (1.0, plus the NEW optional guild_id). */
@ApiSchema({ name: 'InternalUpdateRoleRequest' })
export class UpdateRolesRequest {
  @ApiSnowflake()
  @IsString()
  @IsSnowflake('discord_id')
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
  @IsSnowflake('each role id', { each: true })
  readonly add_roles?: string[] | null;

  @ApiSnowflakeList('Role ids to remove.', 25)
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(25)
  @IsSnowflake('each role id', { each: true })
  readonly remove_roles?: string[] | null;

  @ApiOptionalSnowflake('NEW in 1.1. A guild the bot is in; MODDY_GUILD_ID when absent.')
  @IsOptional()
  @IsSnowflake('guild_id')
  readonly guild_id?: string;

  /** NEW in 1.1: when the billing event happened; an older state change than the one applied is stale. */
  @OccurredAt()
  readonly occurred_at?: string | null;
}
