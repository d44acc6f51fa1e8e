import type { APIEmbed } from 'discord.js';
import type { SupportedLocale } from '../config/app-config';
import { discordTimestamp } from '../discord/format';
import { translate } from '../i18n/i18n';
import type { NotificationTable } from '../storage/tables';
import type { MessageView } from '../subscription/subscription.view';
import { buildInvoiceDm } from './invoice-dm';
import type { NotificationPayload } from './notification-delivery';
import { buildNotifyDm } from './notify-dm';

const KNOWN_STATES = ['pending', 'sent', 'dm_closed', 'unknown_user', 'failed', 'dead'] as const;
type InboxState = (typeof KNOWN_STATES)[number];

/** The title and text the member would have read in the DM, rebuilt from the stored payload. */
function summary(locale: SupportedLocale, payload: NotificationPayload): { title: string; text: string } {
  const dm =
    payload.kind === 'subscription'
      ? buildNotifyDm(locale, payload)
      : buildInvoiceDm(locale, payload.event, payload.invoice);
  const embed = dm.embeds?.[0];
  return { title: embed?.title ?? '', text: embed?.description ?? '' };
}

/**
 * `/notifications`: the member's last notifications with their delivery state, so one that could not be
 * DMed (DMs closed) can still be read here.
 */
export function buildInboxView(locale: SupportedLocale, rows: NotificationTable[]): MessageView {
  const title = translate(locale, 'inbox.title');
  if (rows.length === 0)
    return { embeds: [{ title, description: translate(locale, 'inbox.empty'), color: 0x4f545c }], components: [] };
  const fields = rows.map((row) => {
    const state: InboxState = (KNOWN_STATES as readonly string[]).includes(row.state)
      ? (row.state as InboxState)
      : 'failed';
    const { title: heading, text } = summary(locale, JSON.parse(row.payload) as NotificationPayload);
    const when = discordTimestamp(new Date(row.created_at), 'f') ?? '';
    return {
      name: heading.slice(0, 256),
      value: `${when} · ${translate(locale, `inbox.state.${state}`)}\n${text}`.slice(0, 1024),
    };
  });
  const embed: APIEmbed = { title, color: 0x5865f2, fields };
  if (rows.some((r) => r.state === 'dm_closed')) embed.description = translate(locale, 'inbox.dmClosedHint');
  return { embeds: [embed], components: [] };
}
