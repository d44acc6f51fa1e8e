import { ButtonStyle, ComponentType, type APIButtonComponent, type APIEmbedField } from 'discord.js';
import type { SupportedLocale } from '../config/app-config';
import { fitMessage } from '../discord/message-limits';
import { discordTimestamp, formatMoney, planName } from '../discord/format';
import { button, type MessageView } from '../discord/message-view';
import { hasMessage, translator } from '../i18n/i18n';
import { roleReasonText } from '../role-truth';
import { roleResultLine } from '../roles/roles-sync.view';
import type { RoleGap, MemberNow } from './member-desk.service';
import type { HistoryItem } from './member-history';

export const MEMBER_NOW_PATTERN = 'member/now/:user';
export const MEMBER_HISTORY_PATTERN = 'member/history/:user';
export const MEMBER_RESYNC_PATTERN = 'member/resync/:user';
export const MEMBER_RETRY_PATTERN = 'member/retry/:id';

export type MemberSection = 'now' | 'history';

/** 15 history lines of this length, plus the heading, stay within an embed description's 4,096. */
const LINE_MAX = 256;

const when = (ms: number, style: 'f' | 'R' | 'D' = 'f') => discordTimestamp(new Date(ms), style) ?? '';
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function gapText(locale: SupportedLocale, gap: RoleGap): string {
  const t = translator(locale);
  switch (gap.kind) {
    case 'not_in_server':
      return t('memberDesk.gap.notInServer');
    case 'queued':
      return t('memberDesk.gap.queued');
    case 'held_by_brake':
      return t('memberDesk.gap.held');
    case 'refused':
      return t('memberDesk.gap.refused', { reason: clip(roleReasonText(locale, gap.reason), 200) });
    case 'superseded':
      return t('memberDesk.gap.superseded');
    case 'removed_by':
      return t('memberDesk.gap.removedBy', { origin: t(`memberDesk.origin.${gap.origin}`), date: when(gap.at) });
    case 'drift':
      return t('memberDesk.gap.drift');
  }
}

const roleList = (ids: string[]) => (ids.length === 0 ? '—' : ids.map((r) => `<@&${r}>`).join(' '));

function nowFields(locale: SupportedLocale, now: MemberNow): APIEmbedField[] {
  const t = translator(locale);
  const s = now.subscription;
  let subscription: string;
  if (s === undefined) subscription = t('memberDesk.unavailable');
  else if (s === null) subscription = t('memberDesk.noSubscription');
  else {
    const end = discordTimestamp(s.current_period_end, 'D') ?? s.current_period_end;
    subscription = [
      `${t(`subscription.status.${s.status}`)} · ${t(`billingPeriod.${s.subscription_type}`)} · ${formatMoney(locale, s.amount, s.currency)}`,
      t(s.cancel_at_period_end ? 'memberDesk.endsOn' : 'memberDesk.renewsOn', { date: end }),
    ].join('\n');
  }
  const expected =
    now.expectedPlans.length === 0
      ? planName(locale, 'free')
      : now.expectedPlans.map((p) => planName(locale, p)).join(', ');
  const role = [
    t('memberDesk.expected', { plan: expected, roles: roleList(now.expectedRoles) }),
    now.member === undefined
      ? t('memberDesk.actualUnknown')
      : t('memberDesk.actual', { roles: roleList(now.member?.planRoles ?? []) }),
  ];
  if (now.gap) role.push(gapText(locale, now.gap));
  else if (now.member !== undefined && now.subscription !== undefined) role.push(t('memberDesk.match'));
  const joined = now.member?.joinedAt ? discordTimestamp(now.member.joinedAt, 'D') : undefined;
  const server =
    now.member === undefined
      ? t('memberDesk.actualUnknown')
      : now.member === null
        ? t('memberDesk.notInServer')
        : joined
          ? t('memberDesk.memberSince', { date: joined })
          : t('memberDesk.inServer');
  const fields: APIEmbedField[] = [
    { name: t('memberDesk.subscription'), value: clip(subscription, 1024) },
    { name: t('memberDesk.premiumRole'), value: clip(role.join('\n'), 1024) },
    { name: t('memberDesk.server'), value: server },
  ];
  for (const g of now.grants.slice(0, 3)) {
    fields.push({
      name: t('memberDesk.grant'),
      value: clip(
        t('memberDesk.grantValue', {
          plan: planName(locale, g.plan),
          date: when(g.expires_at, 'D'),
          staff: `<@${g.granted_by}>`,
          reason: g.reason ?? t('premiumGrant.noReason'),
        }),
        1024,
      ),
    });
  }
  return fields;
}

function notificationState(locale: SupportedLocale, item: Extract<HistoryItem, { source: 'notification' }>): string {
  const t = translator(locale);
  switch (item.state) {
    case 'sent':
      return t('memberDesk.delivery.sent');
    case 'pending':
      return t('memberDesk.delivery.queued', { date: when(item.nextAttemptAt, 'R') });
    case 'dm_closed':
      return t('memberDesk.delivery.dmClosed');
    case 'dead':
      return t('memberDesk.delivery.dead', { error: clip(item.lastError ?? '—', 120) });
    case 'unknown_user':
      return t('memberDesk.delivery.unknownUser');
    default:
      return t('memberDesk.delivery.failed', { error: clip(item.lastError ?? '—', 120) });
  }
}

function historyLine(locale: SupportedLocale, item: HistoryItem): string {
  const t = translator(locale);
  const at = when(item.at);
  switch (item.source) {
    case 'notification':
      return `${at} · 📨 \`${item.action}\` · ${notificationState(locale, item)}`;
    case 'role': {
      const outcomes = item.results.map((r) => roleResultLine(locale, r)).join(', ');
      const state = t(`memberDesk.roleState.${item.state}`);
      return `${at} · 🎭 ${t(`memberDesk.origin.${item.origin}`)} · ${outcomes ? t('memberDesk.withOutcomes', { state, outcomes }) : state}`;
    }
    case 'refund': {
      const amount =
        item.amount !== null && item.currency
          ? formatMoney(locale, item.amount, item.currency)
          : t('refunds.audit.wholeInvoice');
      const who = item.adminId ? `<@${item.adminId}>` : t('refunds.audit.dashboard');
      const key = `refunds.audit.title.${item.outcome}`;
      return `${at} · 💸 ${amount} · ${who} · ${hasMessage(key) ? t(key) : item.outcome}`;
    }
    case 'command':
      return `${at} · ⌨️ \`/${item.command}\` · ${t(item.success ? 'memberDesk.commandOk' : 'memberDesk.commandFailed')}`;
  }
}

/** `/admin member user`: one screen, its section, and the buttons that page and act. */
export function buildMemberView(
  locale: SupportedLocale,
  userId: string,
  section: MemberSection,
  data: { now?: MemberNow; history?: HistoryItem[]; retryable?: { id: string; action: string } },
): MessageView {
  const t = translator(locale);
  const title = t('memberDesk.title', { user: `<@${userId}>` });
  const embed =
    section === 'now' && data.now
      ? { title, color: data.now.gap ? 0xfee75c : 0x57f287, fields: nowFields(locale, data.now) }
      : {
          title,
          color: 0x5865f2,
          description: clip(
            [
              t('memberDesk.historyHeading'),
              ...(data.history?.length
                ? data.history.map((i) => clip(historyLine(locale, i), LINE_MAX))
                : [t('memberDesk.noHistory')]),
            ].join('\n'),
            4096,
          ),
        };
  const buttons: APIButtonComponent[] = [
    button(t('memberDesk.button.now'), `member/now/${userId}`, ButtonStyle.Secondary, section === 'now'),
    button(t('memberDesk.button.history'), `member/history/${userId}`, ButtonStyle.Secondary, section === 'history'),
    button(t('memberDesk.button.resync'), `member/resync/${userId}`, ButtonStyle.Primary),
  ];
  if (data.retryable) {
    buttons.push(
      button(
        t('memberDesk.button.retry', { action: data.retryable.action }),
        `member/retry/${data.retryable.id}`,
        ButtonStyle.Primary,
      ),
    );
  }
  return fitMessage({ embeds: [embed], components: [{ type: ComponentType.ActionRow, components: buttons }] });
}
