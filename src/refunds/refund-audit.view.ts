import type { APIEmbedField, RESTPostAPIChannelMessageJSONBody } from 'discord.js';
import type { SupportedLocale } from '../config/app-config';
import { formatMoney } from '../discord/format';
import { clip, fitMessage } from '../discord/message-limits';
import { translator } from '../i18n/i18n';
import type { DmStatus } from './refund-admin.view';
import type { AuditOutcome, RefundAuditEntry } from './refunds.repository';

const COLORS = { success: 0x57f287, failure: 0xed4245, unknown: 0xe67e22 };
const mention = (id: string) => `<@${id}>`;

const AUDIT_COLORS: Record<AuditOutcome, number> = {
  refunded: COLORS.success,
  notified: COLORS.success,
  rejected: COLORS.failure,
  provider_error: COLORS.failure,
  failed: COLORS.failure,
  unknown: COLORS.unknown,
};

/** The audit channel's record: who, whom, how much, why, and what came of it. Mentions never ping. */
export function buildAuditMessage(
  locale: SupportedLocale,
  entry: RefundAuditEntry,
  dm?: DmStatus,
): RESTPostAPIChannelMessageJSONBody {
  const t = translator(locale);
  const amount =
    entry.amount !== null && entry.currency
      ? formatMoney(locale, entry.amount, entry.currency)
      : t('refunds.audit.wholeInvoice');
  const detail = clip(entry.detail ?? '—', 500);
  const fields: APIEmbedField[] = [
    {
      name: t('refunds.audit.staff'),
      value: entry.adminId ? `${mention(entry.adminId)} (\`${entry.adminId}\`)` : t('refunds.audit.dashboard'),
      inline: true,
    },
    { name: t('refunds.audit.member'), value: `${mention(entry.targetId)} (\`${entry.targetId}\`)`, inline: true },
    { name: t('refunds.audit.amount'), value: amount, inline: true },
    { name: t('refunds.audit.reason'), value: entry.reason ?? t('refunds.audit.noReason') },
    { name: t('refunds.audit.result'), value: t(`refunds.audit.outcome.${entry.outcome}`, { detail }) },
  ];
  if (entry.refundId) fields.push({ name: t('refunds.audit.refundId'), value: `\`${entry.refundId}\``, inline: true });
  if (dm) fields.push({ name: t('refunds.audit.dm'), value: t(`refunds.audit.dmState.${dm}`), inline: true });
  return fitMessage({
    embeds: [
      {
        title: t(`refunds.audit.title.${entry.outcome}`),
        color: AUDIT_COLORS[entry.outcome],
        fields,
      },
    ],
    allowed_mentions: { parse: [] },
  });
}
