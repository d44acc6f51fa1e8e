import type { SupportedLocale } from '../config/app-config';
import { DISCORD_FAILURE_KINDS, type DiscordFailureKind } from '../discord/discord-errors';
import { discordTimestamp } from '../discord/format';
import { translate, type MessageKey, type MessageParams } from '../i18n/i18n';

/**
 * Why a role did not change. The contract's `results[].reason` carries these English texts (for the
 * backend's logs); staff read them in Discord through `roleReasonText`, in their language. Every reason the
 * service gives is made here, so none reaches a Discord reply untranslated.
 */
export const SUPERSEDED_REASON = 'superseded by a later change for this member';
export const STALE_REASON = 'stale: a change with a later occurred_at was already applied';
export const NOT_MANAGEABLE = 'role is not a membership role (neither in PLAN_ROLES nor in MANAGED_ROLE_IDS)';
export const ROLE_NOT_FOUND = 'role not found in the guild';
export const NO_MANAGE_ROLES = 'the bot lacks the Manage Roles permission';
export const MANAGED_ROLE = 'role is managed by an integration';
export const ABOVE_BOT = "role is above the bot's highest role";

/** A reason with one variable part (`before` value `after`), its translation and how the value reads there. */
class ReasonTemplate {
  constructor(
    private readonly before: string,
    private readonly after: string,
    readonly key: MessageKey,
    readonly params: (value: string, locale: SupportedLocale) => MessageParams,
  ) {}

  text(value: string): string {
    return `${this.before}${value}${this.after}`;
  }

  /** The variable part of `reason`, if it is this template's. */
  read(reason: string): string | undefined {
    const fits =
      reason.length > this.before.length + this.after.length &&
      reason.startsWith(this.before) &&
      reason.endsWith(this.after);
    return fits ? reason.slice(this.before.length, reason.length - this.after.length) : undefined;
  }
}

const KINDS = new Set<string>(DISCORD_FAILURE_KINDS);

const kind = (value: string, locale: SupportedLocale) => ({
  kind: KINDS.has(value) ? translate(locale, `roleReason.kind.${value as DiscordFailureKind}`) : value,
});

const STAFF_PERMISSIONS = new ReasonTemplate(
  'role carries staff permissions (',
  '); it is never managed',
  'roleReason.staffPermissions',
  (permissions) => ({ permissions }),
);
const REFUSED_CHANGE = new ReasonTemplate('Discord refused the change (', ')', 'roleReason.refusedChange', kind);
const UNREADABLE_MEMBER = new ReasonTemplate(
  'Discord refused to read the member (',
  ')',
  'roleReason.unreadableMember',
  kind,
);
const KEPT = new ReasonTemplate('kept: staff grant until ', '', 'roleReason.kept', (day) => ({
  date: discordTimestamp(day, 'D') ?? day,
}));

export const staffPermissionsReason = (permissions: readonly string[]) =>
  STAFF_PERMISSIONS.text(permissions.join(', '));
export const refusedChangeReason = (failure: DiscordFailureKind) => REFUSED_CHANGE.text(failure);
export const unreadableMemberReason = (failure: DiscordFailureKind) => UNREADABLE_MEMBER.text(failure);
/** The reason a removal did not happen while a staff grant explains the role. */
export const keptReason = (until: number) => KEPT.text(new Date(until).toISOString().slice(0, 10));

const FIXED = new Map<string, MessageKey>([
  [SUPERSEDED_REASON, 'roleReason.superseded'],
  [STALE_REASON, 'roleReason.stale'],
  [NOT_MANAGEABLE, 'roleReason.notManageable'],
  [ROLE_NOT_FOUND, 'roleReason.notFound'],
  [NO_MANAGE_ROLES, 'roleReason.noManageRoles'],
  [MANAGED_ROLE, 'roleReason.managed'],
  [ABOVE_BOT, 'roleReason.aboveBot'],
]);
const TEMPLATES = [STAFF_PERMISSIONS, REFUSED_CHANGE, UNREADABLE_MEMBER, KEPT];

/** A reason as staff read it in `locale`; a text from elsewhere (an older version's) as it is. */
export function roleReasonText(locale: SupportedLocale, reason: string): string {
  const fixed = FIXED.get(reason);
  if (fixed) return translate(locale, fixed);
  for (const template of TEMPLATES) {
    const value = template.read(reason);
    if (value !== undefined) return translate(locale, template.key, template.params(value, locale));
  }
  return reason;
}
