import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { RefundNotifyRequest } from './dto/refund-notify.request';
import { ApiInternalPost, InternalApi } from '../openapi/api-internal';
import { NotificationOutcome } from '../dm/notification-outcome.response';
import { RefundNotices } from './refund-notices.service';

/** NEW in 1.1: the backend reports a refund made outside Discord; the member is told once per refund id. */
@Controller('internal/refunds')
@InternalApi()
export class RefundsController {
  constructor(private readonly notices: RefundNotices) {}

  @Post('notify')
  @ApiInternalPost({
    summary: 'NEW. A refund was issued outside Discord; DM the user and write the audit log',
    description: 'Once per refund_id: a repeat is answered without a second DM.',
    body: RefundNotifyRequest,
    response: NotificationOutcome,
  })
  @HttpCode(200)
  notify(@Body() body: RefundNotifyRequest): Promise<NotificationOutcome> {
    return this.notices.notifyRefund(body);
  }
}
