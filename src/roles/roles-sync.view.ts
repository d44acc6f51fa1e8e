import type { SupportedLocale } from '../config/app-config';
import { planName } from '../discord/format';
import { fitMessage } from '../discord/message-limits';
import type { MessageView } from '../discord/message-view';
import { translate } from '../i18n/i18n';
import { type RoleResult, roleReasonText, SUPERSEDED_REASON, type RolesSyncResult } from '../role-truth';

/** One role's line: its mention, what happened, and why when something stood in the way. */
export function roleResultLine(locale: SupportedLocale, result: RoleResult): string {
  const outcome = translate(locale, `rolesSync.outcome.${result.outcome}`);
  const reason =
    result.reason && result.reason !== SUPERSEDED_REASON ? roleReasonText(locale, result.reason) : undefined;
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
  // The lines below say, in the reader's language, why each role could not change.
  else if (!roles.success && roles.results?.some((r) => r.outcome === 'failed'))
    summary = translate(locale, 'rolesSync.failedRoles');
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
