import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
  type APIEmbedField,
} from 'discord.js';
import type { SubscriptionInfo, SubscriptionStatus } from '../backend/dto/subscription-info.response';
import type { SupportedLocale } from '../config/app-config';
import { discordTimestamp, formatMoney } from '../discord/format';
import { fitMessage } from '../discord/message-limits';
import type { MessageView } from '../discord/message-view';
import { translate, translator } from '../i18n/i18n';
import type { PremiumRoleState } from '../role-truth';

export interface SubscriptionViewOptions {
  billingUrl?: string;
  /** The member's premium role in the Moddy server, when one is expected. */
  premiumRole?: PremiumRoleState;
  /** Set when staff look at someone else's subscription: the view names them. */
  subjectMention?: string;
}

const STATUS_COLORS: Record<SubscriptionStatus, number> = {
  active: 0x57f287,
  trialing: 0x5865f2,
  canceled: 0x4f545c,
  incomplete: 0xfee75c,
  incomplete_expired: 0x4f545c,
  past_due: 0xfee75c,
  unpaid: 0xed4245,
};

const linkButton = (label: string, url: string): APIButtonComponent => ({
  type: ComponentType.Button,
  style: ButtonStyle.Link,
  label,
  url,
});

const row = (buttons: APIButtonComponent[]): APIActionRowComponent<APIButtonComponent>[] =>
  buttons.length > 0 ? [{ type: ComponentType.ActionRow, components: buttons }] : [];

function roleField(locale: SupportedLocale, state: PremiumRoleState): APIEmbedField {
  const key = (
    {
      applied: 'subscription.role.applied',
      applied_now: 'subscription.role.appliedNow',
      pending_join: 'subscription.role.pending',
      queued: 'subscription.role.queued',
      not_applied: 'subscription.role.notApplied',
    } as const
  )[state];
  return { name: translate(locale, 'subscription.role.field'), value: translate(locale, key) };
}

/** What `/subscription` shows: status badge, billing period, price, period end, notices and billing links. */
export function buildSubscriptionView(
  locale: SupportedLocale,
  subscription: SubscriptionInfo | null | undefined,
  options: SubscriptionViewOptions = {},
): MessageView {
  const t = translator(locale);
  const title = options.subjectMention
    ? t('subscription.titleOf', { user: options.subjectMention })
    : t('subscription.title');

  if (!subscription) {
    const text = options.subjectMention
      ? t('subscription.noneOf', { user: options.subjectMention })
      : t('subscription.none');
    const buttons =
      options.billingUrl && !options.subjectMention
        ? [linkButton(t('subscription.button.subscribe'), options.billingUrl)]
        : [];
    const embed: APIEmbed = { title, description: text, color: 0x4f545c };
    if (options.premiumRole) embed.fields = [roleField(locale, options.premiumRole)];
    return fitMessage({ embeds: [embed], components: row(buttons) });
  }

  const price = t(`subscription.price.${subscription.subscription_type}`, {
    price: formatMoney(locale, subscription.amount, subscription.currency),
  });
  const fields: APIEmbedField[] = [
    { name: t('subscription.field.status'), value: t(`subscription.status.${subscription.status}`), inline: true },
    {
      name: t('subscription.field.billing'),
      value: t(`billingPeriod.${subscription.subscription_type}`),
      inline: true,
    },
    { name: t('subscription.field.price'), value: price, inline: true },
  ];
  const endDate = discordTimestamp(subscription.current_period_end, 'D');
  const endRelative = discordTimestamp(subscription.current_period_end, 'R');
  const ending = subscription.cancel_at_period_end || subscription.status === 'canceled';
  if (endDate && endRelative) {
    fields.push({
      name: t(ending ? 'subscription.field.ends' : 'subscription.field.renews'),
      value: `${endDate} (${endRelative})`,
    });
  }

  if (options.premiumRole) fields.push(roleField(locale, options.premiumRole));

  const notices: string[] = [];
  if (subscription.status === 'past_due') notices.push(t('subscription.pastDue'));
  if (subscription.cancel_at_period_end && endDate) notices.push(t('subscription.cancelScheduled', { date: endDate }));

  const buttons: APIButtonComponent[] = [];
  if (options.billingUrl && !options.subjectMention) {
    if (subscription.status === 'past_due')
      buttons.push(linkButton(t('subscription.button.updatePayment'), options.billingUrl));
    buttons.push(linkButton(t('subscription.button.manage'), options.billingUrl));
  }

  const embed: APIEmbed = { title, color: STATUS_COLORS[subscription.status], fields };
  if (notices.length > 0) embed.description = notices.join('\n\n');
  return fitMessage({ embeds: [embed], components: row(buttons) });
}
