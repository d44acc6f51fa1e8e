import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
  type APIEmbedField,
} from 'discord.js';
import type { SupportedLocale } from '../config/app-config';
import { discordTimestamp, formatMoney, minorUnitDigits } from '../discord/format';
import { clip, fitMessage } from '../discord/message-limits';
import { translate, type MessageKey, type MessageParams } from '../i18n/i18n';
import { REFUND_MAX_UNITS, type RefundAmountProblem } from './refund-amount';
import type { RefundOutcome } from './refund-outcome';
import type { MessageView } from '../discord/message-view';
import type { ConfirmationState, RefundConfirmation } from './refunds.repository';

/** An interaction reply or edit: what the admin sees (always with content, so an edit clears the old one). */
export type RefundView = MessageView & { content: string };

/** What the member was told: the DM's fate, or `already` when an earlier call told them. */
export type DmStatus = 'sent' | 'dm_closed' | 'unknown_user' | 'queued' | 'failed' | 'already';

export type RefundButtonAction = 'confirm' | 'cancel';

/** `refund/<action>/<confirmation id>`: the button carries only the id; the rest is in the database. */
export const REFUND_CONFIRM_PATTERN = 'refund/confirm/:id';
export const REFUND_CANCEL_PATTERN = 'refund/cancel/:id';
export const refundButtonId = (action: RefundButtonAction, confirmationId: string): string =>
  `refund/${action}/${confirmationId}`;

const COLORS = { pending: 0xfee75c, closed: 0x4f545c, success: 0x57f287, failure: 0xed4245, unknown: 0xe67e22 };

type Translate = (key: MessageKey, params?: MessageParams) => string;
const translator =
  (locale: SupportedLocale): Translate =>
  (key, params) =>
    translate(locale, key, params);

const mention = (id: string) => `<@${id}>`;

/** A plain message for the admin (refusals before any confirmation). */
export function textView(content: string): RefundView {
  return fitMessage({ content, embeds: [], components: [] });
}

/** Why a typed amount was refused, with the bounds in the invoice's currency. */
export function amountProblemText(locale: SupportedLocale, problem: RefundAmountProblem, currency: string): string {
  const t = translator(locale);
  const digits = minorUnitDigits(currency);
  switch (problem) {
    case 'invalid':
      return t('refunds.amount.invalid');
    case 'tooSmall':
      return t('refunds.amount.tooSmall', { min: formatMoney(locale, 1, currency) });
    case 'tooLarge':
      return t('refunds.amount.tooLarge', { max: formatMoney(locale, REFUND_MAX_UNITS * 10 ** digits, currency) });
    case 'tooManyDecimals':
      return t('refunds.amount.tooManyDecimals', { digits });
  }
}

/** A partial amount larger than the invoice it would come from. */
export function aboveInvoiceText(
  locale: SupportedLocale,
  amount: number,
  invoice: { amount: number; currency: string },
): string {
  return translate(locale, 'refunds.amount.aboveInvoice', {
    amount: formatMoney(locale, amount, invoice.currency),
    invoice: formatMoney(locale, invoice.amount, invoice.currency),
  });
}

/** The amount that will move (or moved): the requested one, else the whole invoice. */
export const refundAmountOf = (c: Pick<RefundConfirmation, 'amount' | 'invoiceAmount'>): number =>
  c.amount ?? c.invoiceAmount;

function detailsEmbed(locale: SupportedLocale, c: RefundConfirmation): APIEmbed {
  const t = translator(locale);
  const amount = formatMoney(locale, refundAmountOf(c), c.currency);
  const date = discordTimestamp(c.invoiceCreated, 'D') ?? c.invoiceCreated.slice(0, 10);
  const fields: APIEmbedField[] = [
    { name: t('refunds.confirm.member'), value: mention(c.targetId), inline: true },
    {
      name: t('refunds.confirm.amount'),
      value: t(c.amount === null ? 'refunds.confirm.full' : 'refunds.confirm.partial', { amount }),
      inline: true,
    },
    {
      name: t('refunds.confirm.invoice'),
      value: t('refunds.confirm.invoiceValue', {
        id: c.invoiceId,
        date,
        amount: formatMoney(locale, c.invoiceAmount, c.currency),
      }),
    },
    { name: t('refunds.confirm.reason'), value: c.reason ?? t('refunds.confirm.noReason') },
  ];
  return { title: t('refunds.confirm.title'), color: COLORS.pending, fields };
}

function buttons(locale: SupportedLocale, id: string, disabled: boolean): APIActionRowComponent<APIButtonComponent> {
  const t = translator(locale);
  return {
    type: ComponentType.ActionRow,
    components: [
      {
        type: ComponentType.Button,
        style: ButtonStyle.Danger,
        label: t('refunds.confirm.confirmButton'),
        custom_id: refundButtonId('confirm', id),
        disabled,
      },
      {
        type: ComponentType.Button,
        style: ButtonStyle.Secondary,
        label: t('refunds.confirm.cancelButton'),
        custom_id: refundButtonId('cancel', id),
        disabled,
      },
    ],
  };
}

/** The ephemeral confirmation: who, how much, which invoice, why, and Confirm/Cancel until it expires. */
export function buildConfirmationView(locale: SupportedLocale, c: RefundConfirmation): RefundView {
  const embed = detailsEmbed(locale, c);
  const expires = discordTimestamp(new Date(c.expiresAt), 'R') ?? '';
  embed.description = translate(locale, 'refunds.confirm.description', { expires });
  return fitMessage({ content: '', embeds: [embed], components: [buttons(locale, c.id, false)] });
}

/** A confirmation that can no longer be confirmed: its title and text say why, over the same details, greyed. */
function closedEmbed(locale: SupportedLocale, c: RefundConfirmation, how: 'expired' | 'cancelled'): APIEmbed {
  return {
    ...detailsEmbed(locale, c),
    title: translate(locale, `refunds.closed.${how}Title`),
    description: translate(locale, `refunds.closed.${how}`),
    color: COLORS.closed,
  };
}

/** The confirmation once its 60 s ran out: it says it expired, with the buttons disabled. */
export function buildExpiredView(locale: SupportedLocale, c: RefundConfirmation): RefundView {
  const components = [buttons(locale, c.id, true)];
  return fitMessage({ content: '', embeds: [closedEmbed(locale, c, 'expired')], components });
}

/** The confirmation once its admin pressed Cancel: it says it was canceled, without buttons. */
export function buildCancelledView(locale: SupportedLocale, c: RefundConfirmation): RefundView {
  return fitMessage({ content: '', embeds: [closedEmbed(locale, c, 'cancelled')], components: [] });
}

/** What a click on a confirmation that is no longer pending is told. */
export function alreadyText(locale: SupportedLocale, state: ConfirmationState): string {
  switch (state) {
    case 'sending':
    case 'pending':
      return translate(locale, 'refunds.already.sending');
    case 'expired':
      return translate(locale, 'refunds.expired');
    case 'cancelled':
      return translate(locale, 'refunds.cancelled');
    case 'refunded':
    case 'rejected':
    case 'provider_error':
    case 'failed':
    case 'unknown':
      return translate(locale, 'refunds.already.handled');
  }
}

/** The confirmation message once the refund call answered (or did not). */
export function buildOutcomeView(
  locale: SupportedLocale,
  c: RefundConfirmation,
  outcome: RefundOutcome,
  dm?: DmStatus,
): RefundView {
  const t = translator(locale);
  const user = mention(c.targetId);
  switch (outcome.kind) {
    case 'refunded': {
      const amount = formatMoney(locale, outcome.amountRefunded ?? refundAmountOf(c), c.currency);
      const lines = [t('refunds.result.refunded', { amount, user })];
      if (dm) lines.push(t(`refunds.result.dm.${dm}`, { user }));
      const fields: APIEmbedField[] = [
        { name: t('refunds.confirm.member'), value: user, inline: true },
        { name: t('refunds.confirm.amount'), value: amount, inline: true },
        { name: t('refunds.result.refundId'), value: `\`${outcome.refundId ?? '?'}\``, inline: true },
        { name: t('refunds.confirm.reason'), value: c.reason ?? t('refunds.confirm.noReason') },
      ];
      const embed = {
        title: t('refunds.result.refundedTitle'),
        description: lines.join('\n'),
        color: COLORS.success,
        fields,
      };
      return fitMessage({ content: '', embeds: [embed], components: [] });
    }
    case 'rejected': {
      const text =
        outcome.rejection === 'other'
          ? t('refunds.result.rejected.other', { message: clip(outcome.message, 500) })
          : t(`refunds.result.rejected.${outcome.rejection}`, { user });
      return failureView(t('refunds.result.notRefundedTitle'), text, COLORS.failure);
    }
    case 'provider_error':
      return failureView(
        t('refunds.result.notRefundedTitle'),
        t('refunds.result.providerError', { detail: clip(outcome.detail, 500) }),
        COLORS.failure,
      );
    case 'failed':
      return failureView(
        t('refunds.result.notRefundedTitle'),
        t('refunds.result.failed', { detail: clip(outcome.detail, 300) }),
        COLORS.failure,
      );
    case 'unknown':
      return failureView(t('refunds.result.unknownTitle'), t('refunds.result.unknown', { user }), COLORS.unknown);
  }
}

function failureView(title: string, description: string, color: number): RefundView {
  return fitMessage({ content: '', embeds: [{ title, description, color }], components: [] });
}
