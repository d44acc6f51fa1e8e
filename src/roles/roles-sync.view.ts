import type { SupportedLocale } from '../config/app-config';
import { discordTimestamp, planName } from '../discord/format';
import { fitMessage } from '../discord/message-limits';
import { translate } from '../i18n/i18n';
import type { MessageView } from '../subscription/subscription.view';
import { SUPERSEDED_REASON, type RoleResult } from './role-ledger';
import type { RolesSyncResult } from './roles-sync.service';

const KEPT = /^kept: staff grant until (\d{4}-\d{2}-\d{2})$/;

/** One role's line: its mention, what happened, and why when something stood in the way. */
export function roleResultLine(locale: SupportedLocale, result: RoleResult): string {
  const outcome = translate(locale, `rolesSync.outcome.${result.outcome}`);
  const kept = result.reason ? KEPT.exec(result.reason) : null;
  let reason = result.reason;
  if (kept) reason = translate(locale, 'rolesSync.keptByGrant', { date: discordTimestamp(kept[1], 'D') ?? kept[1] });
  else if (result.reason === SUPERSEDED_REASON) reason = undefined;
  return `<@&${result.role_id}> ${outcome}${reason ? ` (${reason})` : ''}`;
}

/** What `/admin roles sync` answers: the plan, and each role with what happened to it. */
export function buildRolesSyncView(
  locale: SupportedLocale,
  subjectMention: string,
  result: RolesSyncResult,
): MessageView {
  const plan = planName(locale, result.plan);
  const { roles } = result;
  const changed = (roles.results ?? []).some((r) => r.outcome === 'added' || r.outcome === 'removed');
  let summary: string;
  if (roles.pending) summary = translate(locale, 'rolesSync.pending', { user: subjectMention });
  else if (roles.queued) summary = translate(locale, 'rolesSync.queued');
  else if (roles.superseded || roles.stale)
    summary = translate(locale, 'rolesSync.superseded', { user: subjectMention });
  else if (!roles.success) summary = translate(locale, 'rolesSync.refused', { reason: roles.message });
  else summary = translate(locale, changed ? 'rolesSync.changed' : 'rolesSync.unchanged', { plan });
  const lines = roles.superseded ? [] : (roles.results ?? []).map((r) => roleResultLine(locale, r));
  return fitMessage({
    embeds: [
      {
        title: translate(locale, 'rolesSync.title', { user: subjectMention }),
        description: [summary, ...lines].join('\n'),
        color: roles.success ? 0x57f287 : 0xfee75c,
      },
    ],
    components: [],
  });
}
