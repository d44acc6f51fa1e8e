import { Body, Controller, HttpCode, Post, UseGuards, UseInterceptors } from '@nestjs/common';
import { IdempotencyInterceptor } from '../common/idempotency/idempotency.interceptor';
import { InternalApiGuard } from '../common/guards/internal-api.guard';
import { NotifyUserRequest } from './dto/notify-user.request';
import { NotificationsService, type NotifyUserResponse } from './notifications.service';

@Controller('internal')
@UseGuards(InternalApiGuard)
@UseInterceptors(IdempotencyInterceptor)
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Post('notify')
  @HttpCode(200)
  notify(@Body() body: NotifyUserRequest): Promise<NotifyUserResponse> {
    return this.notifications.notifyUser(body);
  }
}
