import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, ValidateNested } from 'class-validator';

export const SUBSCRIPTION_STATUSES = [
  'active',
  'canceled',
  'incomplete',
  'incomplete_expired',
  'past_due',
  'trialing',
  'unpaid',
] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** Contract SubscriptionInfo. */
export class SubscriptionInfo {
  @IsString() readonly subscription_id!: string;
  @IsString() readonly customer_id!: string;
  @IsIn(SUBSCRIPTION_STATUSES) readonly status!: SubscriptionStatus;
  @IsIn(['monthly', 'yearly']) readonly subscription_type!: 'monthly' | 'yearly';
  @IsString() readonly current_period_start!: string;
  @IsString() readonly current_period_end!: string;
  @IsBoolean() readonly cancel_at_period_end!: boolean;
  @IsInt() readonly amount!: number;
  @IsString() readonly currency!: string;
}

export class SubscriptionInfoResponse {
  @IsBoolean() readonly success!: boolean;
  @IsString() readonly message!: string;
  @IsBoolean() readonly has_subscription!: boolean;
  @IsOptional() @ValidateNested() @Type(() => SubscriptionInfo) readonly subscription?: SubscriptionInfo | null;
}
