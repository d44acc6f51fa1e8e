import { Body, Controller, HttpCode, HttpException, Logger, Post } from '@nestjs/common';
import { BackendError } from '../backend/backend.errors';
import { RolesSync } from '../role-truth';
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { IsSnowflake } from '../common/validation/snowflake';
import { ApiSnowflake } from '../openapi/api-fields';
import { ApiInternalPost, InternalApi } from '../openapi/api-internal';
import { SubscriptionService } from './subscription.service';

@ApiSchema({ name: 'RefreshSubscriptionRequest' })
export class RefreshSubscriptionRequest {
  @ApiSnowflake()
  @IsString()
  @IsSnowflake('discord_id')
  readonly discord_id!: string;
}

@ApiSchema({ name: 'RefreshSubscriptionResponse' })
export class RefreshSubscriptionResponse {
  @ApiProperty({ type: Boolean })
  success!: boolean;

  @ApiProperty({ type: String, example: 'Cache cleared; premium state and roles synced' })
  message!: string;

  @ApiPropertyOptional({ type: Boolean, description: 'the premium state after the sync, when it could be read' })
  premium?: boolean;
}

/**
 * NEW in 1.1: the backend tells the bot a member's subscription changed: cached views are dropped, and
 * premium state and roles are synced again from the subscription truth.
 */
@Controller('internal/subscription')
@InternalApi()
export class SubscriptionController {
  private readonly logger = new Logger(SubscriptionController.name);

  constructor(
    private readonly subscriptions: SubscriptionService,
    private readonly roles: RolesSync,
  ) {}

  @Post('refresh')
  @ApiInternalPost({
    summary: "NEW. The user's subscription changed; drop cached views and re-sync premium state and roles",
    body: RefreshSubscriptionRequest,
    response: RefreshSubscriptionResponse,
  })
  @HttpCode(200)
  async refresh(@Body() body: RefreshSubscriptionRequest): Promise<RefreshSubscriptionResponse> {
    this.subscriptions.forget(body.discord_id);
    try {
      const synced = await this.roles.sync(body.discord_id, 'refresh');
      const message = synced.roles.pending
        ? 'Cache cleared; the member is not in the guild, roles will be applied when they join'
        : synced.roles.success
          ? 'Cache cleared; premium state and roles synced'
          : `Cache cleared; roles not synced: ${synced.roles.message}`;
      return { success: synced.roles.success || synced.roles.pending === true, message, premium: synced.premium };
    } catch (error) {
      if (!(error instanceof BackendError) && !(error instanceof HttpException)) throw error;
      this.logger.warn(`Refresh of ${body.discord_id}: roles not synced: ${error.message}`);
      return { success: false, message: `Cache cleared; roles not synced: ${error.message}` };
    }
  }
}
