import {
  ButtonStyle,
  ComponentType,
  type APIButtonComponent,
  type RESTPostAPIChannelMessageJSONBody,
} from 'discord.js';
import type { SupportedLocale } from '../config/app-config';
import { discordTimestamp, formatMoney } from '../discord/format';
import { fitMessage, isLinkButtonUrl, linkTarget } from '../discord/message-limits';
import { translate } from '../i18n/i18n';
import type { InvoiceDm, InvoiceEvent } from './dm-kinds';

/**
 * The DM for an invoice event: a receipt with the PDF as a link button, or a payment-failed notice with
 * the billing page as a link button when BILLING_URL is set. A PDF link too long for a button (Discord
 * takes 512 characters) is a link in the text instead. A paid invoice of 0 (a trial start, a full discount)
 * says that nothing was charged rather than thanking for a payment.
 */
export function buildInvoiceDm(
  locale: SupportedLocale,
  event: InvoiceEvent,
  invoice: InvoiceDm['invoice'],
  billingUrl?: string,
): RESTPostAPIChannelMessageJSONBody {
  const amount = formatMoney(locale, invoice.amount, invoice.currency);
  const date = discordTimestamp(invoice.created, 'D');
  const wording = event === 'invoice_paid' && invoice.amount === 0 ? 'nothing_charged' : event;
  let description = translate(locale, `invoiceDm.body.${wording}`, { amount });
  const buttons: APIButtonComponent[] = [];
  const link = (label: string, url: string): APIButtonComponent => ({
    type: ComponentType.Button,
    style: ButtonStyle.Link,
    label,
    url,
  });
  const pdf = event === 'invoice_paid' ? linkTarget(invoice.invoice_pdf) : undefined;
  if (pdf && isLinkButtonUrl(pdf)) buttons.push(link(translate(locale, 'invoiceDm.pdf'), pdf));
  else if (pdf) description += `\n\n[${translate(locale, 'invoiceDm.pdf')}](${pdf})`;
  if (event === 'payment_failed' && billingUrl)
    buttons.push(link(translate(locale, 'invoiceDm.updatePayment'), billingUrl));
  return fitMessage({
    embeds: [
      {
        title: translate(locale, `invoiceDm.title.${wording}`),
        description,
        color: event === 'invoice_paid' ? 0x57f287 : 0xed4245,
        fields: date ? [{ name: translate(locale, 'invoiceDm.date'), value: date, inline: true }] : [],
        footer: { text: translate(locale, 'notify.footer') },
      },
    ],
    components: buttons.length > 0 ? [{ type: ComponentType.ActionRow, components: buttons }] : [],
    allowed_mentions: { parse: [] },
  });
}
