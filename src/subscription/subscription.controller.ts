import { Body, Controller, HttpCode, Post, UseGuards, UseInterceptors } from '@nestjs/common';
import { IsString, Matches } from 'class-validator';
import { IdempotencyInterceptor } from '../common/idempotency/idempotency.interceptor';
import { InternalApiGuard } from '../common/guards/internal-api.guard';
import { SNOWFLAKE } from '../config/env.validation';
import { SubscriptionService } from './subscription.service';

export class RefreshSubscriptionRequest {
  @IsString()
  @Matches(SNOWFLAKE, { message: 'discord_id must be a Discord snowflake (17 to 20 digits)' })
  readonly discord_id!: string;
}

export interface RefreshSubscriptionResponse {
  success: boolean;
  message: string;
  premium?: boolean;
}

/** NEW in 1.1: the backend tells the bot a user's subscription changed, so cached views are dropped. */
@Controller('internal/subscription')
@UseGuards(InternalApiGuard)
@UseInterceptors(IdempotencyInterceptor)
export class SubscriptionController {
  constructor(private readonly subscriptions: SubscriptionService) {}

  @Post('refresh')
  @HttpCode(200)
  refresh(@Body() body: RefreshSubscriptionRequest): RefreshSubscriptionResponse {
    this.subscriptions.forget(body.discord_id);
    return { success: true, message: 'Subscription cache cleared' };
  }
}
