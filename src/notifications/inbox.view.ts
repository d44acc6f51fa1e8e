import type { APIEmbed } from 'discord.js';
import type { SupportedLocale } from '../config/app-config';
import type { DeliveryState } from '../dm/delivery-state';
import { discordTimestamp } from '../discord/format';
import { fitMessage } from '../discord/message-limits';
import { translate } from '../i18n/i18n';
import type { NotificationTable } from '../storage/tables';
import type { MessageView } from '../discord/message-view';
import type { RESTPostAPIChannelMessageJSONBody } from 'discord.js';

const KNOWN_STATES: readonly DeliveryState[] = ['pending', 'sent', 'dm_closed', 'unknown_user', 'failed', 'dead'];

/** Rebuilds, in the reader's language, the DM a stored notification stands for. */
export type InboxRenderer = (row: NotificationTable) => RESTPostAPIChannelMessageJSONBody | undefined;

/**
 * `/notifications`: the member's last notifications with their delivery state, so one that could not be
 * DMed (DMs closed) can still be read here.
 */
export function buildInboxView(locale: SupportedLocale, rows: NotificationTable[], render: InboxRenderer): MessageView {
  const title = translate(locale, 'inbox.title');
  if (rows.length === 0)
    return fitMessage({
      embeds: [{ title, description: translate(locale, 'inbox.empty'), color: 0x4f545c }],
      components: [],
    });
  const fields = rows.map((row) => {
    // A state this version does not know (a row written by a newer one) reads as not delivered.
    const state: DeliveryState = KNOWN_STATES.includes(row.state) ? row.state : 'failed';
    const embed = render(row)?.embeds?.[0];
    const heading = embed?.title ?? '—';
    const text = embed?.description ?? '';
    const when = discordTimestamp(new Date(row.created_at), 'f') ?? '';
    return { name: heading, value: `${when} · ${translate(locale, `inbox.state.${state}`)}\n${text}` };
  });
  const embed: APIEmbed = { title, color: 0x5865f2, fields };
  if (rows.some((r) => r.state === 'dm_closed')) embed.description = translate(locale, 'inbox.dmClosedHint');
  return fitMessage({ embeds: [embed], components: [] });
}
