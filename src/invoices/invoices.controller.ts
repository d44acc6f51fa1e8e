import { Body, Controller, HttpCode, Post, UseGuards, UseInterceptors } from '@nestjs/common';
import { InternalApiGuard } from '../common/guards/internal-api.guard';
import { IdempotencyInterceptor } from '../common/idempotency/idempotency.interceptor';
import { NotificationsService, type NotifyUserResponse } from '../notifications/notifications.service';
import { InvoiceNotifyRequest } from './dto/invoice-notify.request';

/** NEW in 1.1: an invoice was paid or a payment failed; the member gets a receipt or a notice by DM. */
@Controller('internal/invoices')
@UseGuards(InternalApiGuard)
@UseInterceptors(IdempotencyInterceptor)
export class InvoicesController {
  constructor(private readonly notifications: NotificationsService) {}

  @Post('notify')
  @HttpCode(200)
  notify(@Body() body: InvoiceNotifyRequest): Promise<NotifyUserResponse> {
    return this.notifications.notifyInvoice(body.discord_id, body.event, body.invoice);
  }
}
