import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
  type RESTPostAPIChannelMessageJSONBody,
} from 'discord.js';
import type { SupportedLocale } from '../config/app-config';
import { discordTimestamp, planNames, withMore } from '../discord/format';
import { fitMessage } from '../discord/message-limits';
import { button, type MessageView } from '../discord/message-view';
import { translate, translator } from '../i18n/i18n';
import type { RoleSweepTable } from '../storage/tables';
import type { BrakeDecision, HeldRemoval } from './role-sweep.types';

/** The custom ids of the brake's buttons; `/admin roles` (roles/) answers them. */
export const BRAKE_APPLY_PATTERN = 'rolesweep/apply/:id';
export const BRAKE_DISMISS_PATTERN = 'rolesweep/dismiss/:id';

/** Members listed by name in a brake post. */
const BRAKE_LISTED = 20;
const COLORS = { held: 0xfee75c, done: 0x57f287, dismissed: 0x4f545c } as const;

const mention = (id: string) => `<@${id}>`;
const now = () => discordTimestamp(new Date(), 'f') ?? '';

/** The brake's post to the audit channel: what the sweep holds back, and the two staff buttons. */
export function buildBrakeMessage(
  locale: SupportedLocale,
  sweep: Pick<RoleSweepTable, 'id'>,
  held: HeldRemoval[],
  max: number,
): RESTPostAPIChannelMessageJSONBody {
  const t = translator(locale);
  const lines = held.slice(0, BRAKE_LISTED).map((h) =>
    t('roleSweep.heldLine', {
      user: mention(h.discordId),
      reason:
        h.entitledTo.length === 0
          ? t('roleSweep.reasonNone')
          : t('roleSweep.reasonOther', { plans: planNames(locale, h.entitledTo) }),
    }),
  );
  const description = [
    t('roleSweep.brakeDescription', { count: held.length, max }),
    '',
    ...withMore(lines, held.length, (count) => t('roleSweep.more', { count })),
  ];
  return fitMessage({
    embeds: [
      {
        title: t('roleSweep.brakeTitle', { count: held.length }).slice(0, 256),
        description: description.join('\n').slice(0, 4096),
        color: COLORS.held,
      },
    ],
    components: [brakeButtons(locale, sweep.id, held.length)],
    allowed_mentions: { parse: [] },
  });
}

/** Apply / Dismiss for a held sweep: on its post, and under `/admin roles audit`. */
export function brakeButtons(
  locale: SupportedLocale,
  id: string,
  count: number,
): APIActionRowComponent<APIButtonComponent> {
  return {
    type: ComponentType.ActionRow,
    components: [
      button(
        translate(locale, 'roleSweep.apply', { count }),
        BRAKE_APPLY_PATTERN.replace(':id', id),
        ButtonStyle.Danger,
      ),
      button(translate(locale, 'roleSweep.dismiss'), BRAKE_DISMISS_PATTERN.replace(':id', id), ButtonStyle.Secondary),
    ],
  };
}

/** The brake's post once decided: who, when, and what Apply did. No buttons any more. */
export function buildBrakeDecidedMessage(locale: SupportedLocale, decision: BrakeDecision): MessageView {
  const t = translator(locale);
  const embed: APIEmbed =
    decision.kind === 'applied'
      ? {
          title: t('roleSweep.appliedTitle'),
          description: t('roleSweep.applied', {
            user: mention(decision.by),
            date: now(),
            removed: decision.removed,
            kept: decision.kept,
            skipped: decision.skipped,
          }),
          color: COLORS.done,
        }
      : {
          title: t('roleSweep.dismissedTitle'),
          description: t('roleSweep.dismissed', { user: mention(decision.by), date: now() }),
          color: COLORS.dismissed,
        };
  return fitMessage({ embeds: [embed], components: [] });
}
