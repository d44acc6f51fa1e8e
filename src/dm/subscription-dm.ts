import type { APIEmbed, APIEmbedField, RESTPostAPIChannelMessageJSONBody } from 'discord.js';
import type { SupportedLocale } from '../config/app-config';
import { translate } from '../i18n/i18n';
import { discordTimestamp, formatMoney, planName } from '../discord/format';
import { fitMessage } from '../discord/message-limits';
import type { NotifyAction } from './dm-kinds';

const COLORS: Record<NotifyAction, number> = {
  subscription_created: 0x57f287,
  subscription_updated: 0x5865f2,
  subscription_cancelled: 0xed4245,
  plan_upgraded: 0x57f287,
  plan_downgraded: 0xfee75c,
};

const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
const PHONE = /\+?\d[\d\s().-]{6,}\d/g;

/** Free text from the backend, with anything that looks like an e-mail address or a phone number removed. */
export function withoutPersonalData(text: string): string {
  return text.replace(EMAIL, '[…]').replace(PHONE, '[…]').trim();
}

export interface NotifyDmInput {
  action: NotifyAction;
  plan?: string | null;
  metadata?: Record<string, unknown> | null;
}

/**
 * The DM for a subscription event, in the reader's language. Only the fields the contract names are read
 * from metadata (amount, currency, subscription_type, current_period_end, message); nothing else in it,
 * such as an e-mail or phone, ever reaches the DM.
 */
export function buildNotifyDm(locale: SupportedLocale, input: NotifyDmInput): RESTPostAPIChannelMessageJSONBody {
  const meta = input.metadata ?? {};
  const plan = input.plan ? planName(locale, input.plan) : undefined;
  const fields: APIEmbedField[] = [];
  if (plan) fields.push({ name: translate(locale, 'notify.field.plan'), value: plan, inline: true });

  const period = meta.subscription_type;
  if (period === 'monthly' || period === 'yearly') {
    fields.push({
      name: translate(locale, 'notify.field.billing'),
      value: translate(locale, `billingPeriod.${period}`),
      inline: true,
    });
  }
  if (typeof meta.amount === 'number' && Number.isInteger(meta.amount) && typeof meta.currency === 'string') {
    fields.push({
      name: translate(locale, 'notify.field.amount'),
      value: formatMoney(locale, meta.amount, meta.currency),
      inline: true,
    });
  }
  if (typeof meta.current_period_end === 'string') {
    const date = discordTimestamp(meta.current_period_end, 'D');
    const relative = discordTimestamp(meta.current_period_end, 'R');
    if (date && relative)
      fields.push({ name: translate(locale, 'notify.field.periodEnd'), value: `${date} (${relative})` });
  }
  if (typeof meta.message === 'string') {
    const message = withoutPersonalData(meta.message);
    if (message) fields.push({ name: translate(locale, 'notify.field.message'), value: message });
  }

  const embed: APIEmbed = {
    title: translate(locale, `notify.title.${input.action}`, { plan: plan ?? translate(locale, 'notify.product') }),
    description: translate(locale, `notify.body.${input.action}`),
    color: COLORS[input.action],
    fields,
    footer: { text: translate(locale, 'notify.footer') },
  };
  return fitMessage({ embeds: [embed], allowed_mentions: { parse: [] } });
}
