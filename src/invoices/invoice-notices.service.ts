import { Injectable } from '@nestjs/common';
import { answerOf } from '../dm/delivery-state';
import type { InvoiceEvent } from '../dm/dm-kinds';
import { MemberDms } from '../dm/member-dms.service';
import type { NotificationOutcome } from '../dm/notification-outcome.response';
import type { InvoiceInfo } from './dto/invoice-info.dto';

/** `POST /internal/invoices/notify`: one DM per invoice and status, whatever the retries. */
@Injectable()
export class InvoiceNotices {
  constructor(private readonly dms: MemberDms) {}

  async notify(discordId: string, event: InvoiceEvent, invoice: InvoiceInfo): Promise<NotificationOutcome> {
    const { amount, currency, created } = invoice;
    return answerOf(
      await this.dms.send({
        kind: 'invoice',
        discordId,
        dedupKey: `${discordId}|${event}|invoice_id=${invoice.invoice_id}`,
        payload: { event, invoice: { amount, currency, created, invoice_pdf: invoice.invoice_pdf ?? null } },
      }),
    );
  }
}
