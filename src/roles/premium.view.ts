import type { SupportedLocale } from '../config/app-config';
import { fitMessage } from '../discord/message-limits';
import { discordTimestamp, planName } from '../discord/format';
import type { MessageView } from '../discord/message-view';
import { translator } from '../i18n/i18n';
import type { GrantResult, RevokeResult } from './premium.service';
import { roleResultLine } from './roles-sync.view';

/** `/admin premium grant`: the grant (plan, until when) and what happened to each role. */
export function buildGrantedView(
  locale: SupportedLocale,
  subjectMention: string,
  result: Extract<GrantResult, { kind: 'granted' }>,
): MessageView {
  const t = translator(locale);
  const { grant, roles } = result;
  const lines = [
    t('premiumGrant.granted', {
      plan: planName(locale, grant.plan),
      date: discordTimestamp(new Date(grant.expires_at), 'D') ?? '',
    }),
    t('premiumGrant.reasonLine', { reason: (grant.reason ?? t('premiumGrant.noReason')).slice(0, 500) }),
  ];
  if (roles.pending) lines.push(t('rolesSync.pending', { user: subjectMention }));
  else if (roles.queued) lines.push(t('rolesSync.queued'));
  else if (!roles.success) lines.push(t('rolesSync.refused', { reason: roles.message }));
  lines.push(...(roles.results ?? []).map((r) => roleResultLine(locale, r)));
  return fitMessage({
    embeds: [
      {
        title: t('premiumGrant.grantedTitle', { user: subjectMention }).slice(0, 256),
        description: lines.join('\n').slice(0, 4096),
        color: 0x57f287,
      },
    ],
    components: [],
  });
}

/** `/admin premium revoke`: the grant ended, and the roles as the subscription now has them. */
export function buildRevokedView(
  locale: SupportedLocale,
  subjectMention: string,
  result: Extract<RevokeResult, { kind: 'revoked' }>,
): MessageView {
  const t = translator(locale);
  const lines = [t('premiumGrant.revoked')];
  if (!result.roles) lines.push(t('premiumGrant.rolesLater'));
  else lines.push(...(result.roles.roles.results ?? []).map((r) => roleResultLine(locale, r)));
  return fitMessage({
    embeds: [
      {
        title: t('premiumGrant.revokedTitle', { user: subjectMention }).slice(0, 256),
        description: lines.join('\n').slice(0, 4096),
        color: 0x4f545c,
      },
    ],
    components: [],
  });
}
