import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent } from 'discord.js';
import type { SupportedLocale } from '../config/app-config';
import { fitMessage } from '../discord/message-limits';
import { discordTimestamp } from '../discord/format';
import type { MessageView } from '../discord/message-view';
import { translate, translator } from '../i18n/i18n';
import type { NotificationTable } from '../storage/tables';
import { DEAD_PAGE_SIZE, type DeliveryCounts } from '../dm/notifications.repository';

export const DELIVERIES_PAGE_PATTERN = 'deliveries/page/:page';
export const DELIVERIES_RETRY_PATTERN = 'deliveries/retry/:id/:page';

/** The states counted, in the order shown. */
const STATES = ['sent', 'pending', 'dm_closed', 'unknown_user', 'failed', 'dead'] as const;

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function countsLine(locale: SupportedLocale, counts: Record<string, number>): string {
  return STATES.map((s) => `${translate(locale, `deliveries.state.${s}`)} ${counts[s] ?? 0}`).join(' · ');
}

const button = (label: string, customId: string, disabled = false): APIButtonComponent => ({
  type: ComponentType.Button,
  style: ButtonStyle.Secondary,
  label: clip(label, 80),
  custom_id: customId,
  disabled,
});

/** `/admin deliveries`: counts for 24 h and 7 days, then a page of dead notifications with Retry each. */
export function buildDeliveriesView(
  locale: SupportedLocale,
  counts: DeliveryCounts,
  dead: { rows: NotificationTable[]; total: number },
  page: number,
): MessageView {
  const t = translator(locale);
  const pages = Math.max(1, Math.ceil(dead.total / DEAD_PAGE_SIZE));
  const lines = dead.rows.map(
    (n, i) =>
      `${page * DEAD_PAGE_SIZE + i + 1}. <@${n.discord_id}> · \`${n.action}\` · ${discordTimestamp(new Date(n.created_at), 'f') ?? ''}\n   ${clip(n.last_error ?? '—', 200)}`,
  );
  const description = [
    `**${t('deliveries.day')}** ${countsLine(locale, counts.day)}`,
    `**${t('deliveries.week')}** ${countsLine(locale, counts.week)}`,
    '',
    dead.total === 0
      ? t('deliveries.noDead')
      : t('deliveries.deadHeading', { count: dead.total, page: page + 1, pages }),
    ...lines,
  ].join('\n');
  const retryRows: APIActionRowComponent<APIButtonComponent>[] = [];
  for (let i = 0; i < dead.rows.length; i += 5) {
    retryRows.push({
      type: ComponentType.ActionRow,
      components: dead.rows
        .slice(i, i + 5)
        .map((n, j) =>
          button(t('deliveries.retry', { n: page * DEAD_PAGE_SIZE + i + j + 1 }), `deliveries/retry/${n.id}/${page}`),
        ),
    });
  }
  const paging: APIActionRowComponent<APIButtonComponent> = {
    type: ComponentType.ActionRow,
    components: [
      button(t('deliveries.previous'), `deliveries/page/${page - 1}`, page === 0),
      button(t('deliveries.next'), `deliveries/page/${page + 1}`, page + 1 >= pages),
    ],
  };
  return fitMessage({
    embeds: [
      {
        title: t('deliveries.title'),
        description: clip(description, 4096),
        color: dead.total > 0 ? 0xfee75c : 0x57f287,
      },
    ],
    components: [...retryRows, ...(pages > 1 ? [paging] : [])],
  });
}
