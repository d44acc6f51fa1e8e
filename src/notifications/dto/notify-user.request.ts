import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { BoundedMetadata } from '../../common/validation/bounded-metadata.decorator';
import { OccurredAt } from '../../common/validation/occurred-at.decorator';
import { SNOWFLAKE } from '../../config/env.validation';

export const NOTIFY_ACTIONS = [
  'subscription_created',
  'subscription_updated',
  'subscription_cancelled',
  'plan_upgraded',
  'plan_downgraded',
] as const;
export type NotifyAction = (typeof NOTIFY_ACTIONS)[number];

/** Contract InternalNotifyUserRequest (1.0). */
export class NotifyUserRequest {
  @IsString()
  @Matches(SNOWFLAKE, { message: 'discord_id must be a Discord snowflake (17 to 20 digits)' })
  readonly discord_id!: string;

  @IsIn(NOTIFY_ACTIONS, { message: `action must be one of ${NOTIFY_ACTIONS.join(', ')}` })
  readonly action!: NotifyAction;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  readonly plan?: string | null;

  @IsOptional()
  @BoundedMetadata()
  readonly metadata?: Record<string, unknown> | null;

  /** NEW in 1.1: when the billing event happened; an older state change than the one applied is stale. */
  @OccurredAt()
  readonly occurred_at?: string | null;
}
