import type { SupportedLocale } from '../config/app-config';
import { planName } from '../discord/format';
import { translate } from '../i18n/i18n';
import type { MessageView } from '../subscription/subscription.view';
import type { RolesSyncResult } from './roles-sync.service';

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
  else if (!roles.success) summary = translate(locale, 'rolesSync.refused', { reason: roles.message });
  else summary = translate(locale, changed ? 'rolesSync.changed' : 'rolesSync.unchanged', { plan });
  const lines = (roles.results ?? []).map(
    (r) => `<@&${r.role_id}> ${translate(locale, `rolesSync.outcome.${r.outcome}`)}`,
  );
  return {
    embeds: [
      {
        title: translate(locale, 'rolesSync.title', { user: subjectMention }).slice(0, 256),
        description: [summary, ...lines].join('\n').slice(0, 4096),
        color: roles.success ? 0x57f287 : 0xfee75c,
      },
    ],
    components: [],
  };
}
