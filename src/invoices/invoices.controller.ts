import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { NotificationOutcome } from '../dm/notification-outcome.response';
import { ApiInternalPost, InternalApi } from '../openapi/api-internal';
import { InvoiceNotifyRequest } from './dto/invoice-notify.request';
import { InvoiceNotices } from './invoice-notices.service';

/** NEW in 1.1: an invoice was paid or a payment failed; the member gets a receipt or a notice by DM. */
@Controller('internal/invoices')
@InternalApi()
export class InvoicesController {
  constructor(private readonly notices: InvoiceNotices) {}

  @Post('notify')
  @ApiInternalPost({
    summary: 'NEW. An invoice was paid or a payment failed; DM a receipt or a payment-failed notice',
    description:
      'Same outcomes and response shape as /internal/notify. A receipt carries the invoice PDF as a link button; ' +
      'a payment-failed notice carries BILLING_URL as a link button when configured. One DM per invoice_id and ' +
      'event, whatever the retries.',
    body: InvoiceNotifyRequest,
    response: NotificationOutcome,
  })
  @HttpCode(200)
  notify(@Body() body: InvoiceNotifyRequest): Promise<NotificationOutcome> {
    return this.notices.notify(body.discord_id, body.event, body.invoice);
  }
}
