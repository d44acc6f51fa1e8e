import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { NotifyUserRequest } from './dto/notify-user.request';
import { ApiInternalPost, InternalApi } from '../openapi/api-internal';
import { NotifyUserResponse } from './dto/notify-user.response';
import { NotificationsService } from './notifications.service';

@Controller('internal')
@InternalApi()
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Post('notify')
  @ApiInternalPost({
    summary: 'Tell a user about a subscription event by DM (1.0)',
    description:
      'Sends a localized DM for the action and records the premium state (premium when plan is a premium plan, ' +
      'cleared on subscription_cancelled or a downgrade to a non-premium plan; a missing plan leaves it unchanged). ' +
      'Outcomes, all 200: delivered (success, notification_sent); DMs closed (success, not sent, "User found but ' +
      'DM failed"); unknown Discord user (success false); Discord slow or failing (success, not sent, queued: the ' +
      'bot delivers it later). Answered within 5 s whatever Discord does.',
    body: NotifyUserRequest,
    response: NotifyUserResponse,
  })
  @HttpCode(200)
  notify(@Body() body: NotifyUserRequest): Promise<NotifyUserResponse> {
    return this.notifications.notifyUser(body);
  }
}
