import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { BoundedMetadata } from '../../common/validation/bounded-metadata.decorator';
import { OccurredAt } from '../../common/validation/occurred-at.decorator';
import { IsSnowflake } from '../../common/validation/snowflake';
import { ApiSnowflake } from '../../openapi/api-fields';
import { NOTIFY_ACTIONS, type NotifyAction } from '../../dm/dm-kinds';

/** Contract InternalNotifyUserRequest (1.0). */
@ApiSchema({ name: 'InternalNotifyUserRequest' })
export class NotifyUserRequest {
  @ApiSnowflake()
  @IsString()
  @IsSnowflake('discord_id')
  readonly discord_id!: string;

  @ApiProperty({ type: String, enum: NOTIFY_ACTIONS })
  @IsIn(NOTIFY_ACTIONS, { message: `action must be one of ${NOTIFY_ACTIONS.join(', ')}` })
  readonly action!: NotifyAction;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: 64,
    description: 'Premium when one of the premium plans; a missing plan leaves the premium state unchanged.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  readonly plan?: string | null;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description:
      'Free-form, at most 32 keys and 8 KiB; amount (minor units), currency, subscription_type, current_period_end ' +
      'and message are used when present. Personal data in it (e-mail, phone) is never repeated in the DM.',
  })
  @IsOptional()
  @BoundedMetadata()
  readonly metadata?: Record<string, unknown> | null;

  /** NEW in 1.1: when the billing event happened; an older state change than the one applied is stale. */
  @OccurredAt()
  readonly occurred_at?: string | null;
}
