import type { APIEmbedField, RESTPostAPIChannelMessageJSONBody } from 'discord.js';
import type { SupportedLocale } from '../config/app-config';
import { formatMoney } from '../discord/format';
import { fitMessage } from '../discord/message-limits';
import { translate } from '../i18n/i18n';

export interface RefundDmInput {
  amount: number;
  currency: string;
  refundId: string | null;
}

/** The member's DM: how much, and that banks take 5 to 10 business days. No reason: that is staff's note. */
export function buildRefundDm(locale: SupportedLocale, input: RefundDmInput): RESTPostAPIChannelMessageJSONBody {
  const amount = formatMoney(locale, input.amount, input.currency);
  const fields: APIEmbedField[] = [{ name: translate(locale, 'refunds.dm.amount'), value: amount, inline: true }];
  if (input.refundId)
    fields.push({ name: translate(locale, 'refunds.dm.reference'), value: `\`${input.refundId}\``, inline: true });
  return fitMessage({
    embeds: [
      {
        title: translate(locale, 'refunds.dm.title'),
        description: translate(locale, 'refunds.dm.body', { amount }),
        color: 0x57f287,
        fields,
        footer: { text: translate(locale, 'refunds.dm.footer') },
      },
    ],
    allowed_mentions: { parse: [] },
  });
}
