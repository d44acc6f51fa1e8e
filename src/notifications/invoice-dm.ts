import {
  ButtonStyle,
  ComponentType,
  type APIButtonComponent,
  type RESTPostAPIChannelMessageJSONBody,
} from 'discord.js';
import type { SupportedLocale } from '../config/app-config';
import { discordTimestamp, formatMoney } from '../discord/format';
import { translate } from '../i18n/i18n';
import type { InvoiceInfo } from '../invoices/dto/invoice-info.dto';

export type InvoiceEvent = 'invoice_paid' | 'payment_failed';

/**
 * The DM for an invoice event: a receipt with the PDF as a link button, or a payment-failed notice with
 * the billing page as a link button when BILLING_URL is set.
 */
export function buildInvoiceDm(
  locale: SupportedLocale,
  event: InvoiceEvent,
  invoice: Pick<InvoiceInfo, 'amount' | 'currency' | 'created' | 'invoice_pdf'>,
  billingUrl?: string,
): RESTPostAPIChannelMessageJSONBody {
  const amount = formatMoney(locale, invoice.amount, invoice.currency);
  const date = discordTimestamp(invoice.created, 'D');
  const buttons: APIButtonComponent[] = [];
  const link = (label: string, url: string): APIButtonComponent => ({
    type: ComponentType.Button,
    style: ButtonStyle.Link,
    label,
    url,
  });
  if (event === 'invoice_paid' && invoice.invoice_pdf && /^https:\/\//.test(invoice.invoice_pdf)) {
    buttons.push(link(translate(locale, 'invoiceDm.pdf'), invoice.invoice_pdf));
  }
  if (event === 'payment_failed' && billingUrl)
    buttons.push(link(translate(locale, 'invoiceDm.updatePayment'), billingUrl));
  return {
    embeds: [
      {
        title: translate(locale, `invoiceDm.title.${event}`),
        description: translate(locale, `invoiceDm.body.${event}`, { amount }),
        color: event === 'invoice_paid' ? 0x57f287 : 0xed4245,
        fields: date ? [{ name: translate(locale, 'invoiceDm.date'), value: date, inline: true }] : [],
        footer: { text: translate(locale, 'notify.footer') },
      },
    ],
    components: buttons.length > 0 ? [{ type: ComponentType.ActionRow, components: buttons }] : [],
    allowed_mentions: { parse: [] },
  };
}
