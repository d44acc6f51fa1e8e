import { Body, Controller, HttpCode, Post, UseGuards, UseInterceptors } from '@nestjs/common';
import { IdempotencyInterceptor } from '../common/idempotency/idempotency.interceptor';
import { InternalApiGuard } from '../common/guards/internal-api.guard';
import { RefundNotifyRequest } from './dto/refund-notify.request';
import { RefundsService, type RefundNotifyResponse } from './refunds.service';

/** NEW in 1.1: the backend reports a refund made outside Discord; the member is told once per refund id. */
@Controller('internal/refunds')
@UseGuards(InternalApiGuard)
@UseInterceptors(IdempotencyInterceptor)
export class RefundsController {
  constructor(private readonly refunds: RefundsService) {}

  @Post('notify')
  @HttpCode(200)
  notify(@Body() body: RefundNotifyRequest): Promise<RefundNotifyResponse> {
    return this.refunds.notifyRefund(body);
  }
}
