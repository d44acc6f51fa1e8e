import { ButtonStyle, ComponentType } from 'discord.js';
import type { SupportedLocale } from '../config/app-config';
import { fitMessage } from '../discord/message-limits';
import { discordTimestamp, planName, planNames, withMore } from '../discord/format';
import { button, type MessageView } from '../discord/message-view';
import { translate, translator } from '../i18n/i18n';
import type { RoleSweepTable } from '../storage/tables';
import { brakeButtons, type Drift, type HeldRemoval, type SweepScan, type SweepSummary } from '../role-truth';

export const SYNC_ALL_RUN = 'rolesync/run';
export const SYNC_ALL_CANCEL = 'rolesync/cancel';

/** Drifted members listed by name in an audit. */
const AUDIT_LISTED = 15;

const COLORS = { held: 0xfee75c, done: 0x57f287, info: 0x5865f2 } as const;

const mention = (id: string) => `<@${id}>`;

/** The private note to a second clicker: someone already decided. */
export function alreadyDecidedText(locale: SupportedLocale, sweep: RoleSweepTable | undefined): string {
  if (sweep?.decided_by && (sweep.state === 'applied' || sweep.state === 'applying')) {
    return translate(locale, 'roleSweep.alreadyApplied', { user: mention(sweep.decided_by) });
  }
  if (sweep?.decided_by && sweep.state === 'dismissed') {
    return translate(locale, 'roleSweep.alreadyDismissed', { user: mention(sweep.decided_by) });
  }
  return translate(locale, 'roleSweep.gone');
}

function driftLine(locale: SupportedLocale, d: Drift): string {
  const t = translator(locale);
  const expected =
    d.entitled.length === 0
      ? planName(locale, 'free')
      : planNames(
          locale,
          d.entitled.map((e) => e.plan),
        );
  const actual = d.held
    ? planName(locale, d.held)
    : d.remove.length > 0
      ? d.remove.map((r) => `<@&${r}>`).join(' ')
      : t('roleAudit.nothing');
  return t('roleAudit.line', { user: mention(d.discordId), expected, actual });
}

/** `/admin roles audit`: the dry run's counts, the first drifted members, and any held sweep's buttons. */
export function buildAuditView(
  locale: SupportedLocale,
  scan: SweepScan,
  options: { stoppedAfterMinutes?: number; held?: { sweep: RoleSweepTable; removals: HeldRemoval[] }[] } = {},
): MessageView {
  const t = translator(locale);
  const add = scan.drifts.filter((d) => d.add.length > 0).length;
  const remove = scan.drifts.filter((d) => d.remove.length > 0).length;
  const skipped = scan.skipped.backend_error + scan.skipped.left;
  const scope =
    scan.source === 'list'
      ? 'roleAudit.scopeList'
      : scan.scope === 'all'
        ? 'roleAudit.scopeAll'
        : 'roleAudit.scopeHolders';
  const lines = [t(scope), t('roleAudit.counts', { checked: scan.checked, add, remove, skipped })];
  if (skipped > 0) lines.push(t('roleAudit.skipped', { backend: scan.skipped.backend_error, left: scan.skipped.left }));
  if (options.stoppedAfterMinutes !== undefined) {
    lines.push(t('roleAudit.partial', { minutes: options.stoppedAfterMinutes }));
  }
  lines.push('');
  if (scan.drifts.length === 0) lines.push(t('roleAudit.none'));
  lines.push(
    ...withMore(
      scan.drifts.slice(0, AUDIT_LISTED).map((d) => driftLine(locale, d)),
      scan.drifts.length,
      (count) => t('roleAudit.more', { count }),
    ),
  );
  const held = options.held ?? [];
  for (const h of held) lines.push('', t('roleAudit.held', { count: h.removals.length }));
  return fitMessage({
    embeds: [{ title: t('roleAudit.title'), description: lines.join('\n').slice(0, 4096), color: COLORS.info }],
    components: held.slice(0, 5).map((h) => brakeButtons(locale, h.sweep.id, h.removals.length)),
  });
}

/** The audit's progress while it runs. */
export function buildAuditProgress(locale: SupportedLocale, done: number, total: number): MessageView {
  return fitMessage({
    embeds: [
      {
        title: translate(locale, 'roleAudit.title'),
        description: translate(locale, 'roleAudit.progress', { done, total }),
        color: COLORS.info,
      },
    ],
    components: [],
  });
}

/** `/admin roles sync` without a member: what a full sweep does, and Run / Cancel. */
export function buildSyncAllConfirm(locale: SupportedLocale, max: number): MessageView {
  const t = translator(locale);
  return fitMessage({
    embeds: [{ title: t('roleSyncAll.title'), description: t('roleSyncAll.description', { max }), color: COLORS.held }],
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          button(t('roleSyncAll.run'), SYNC_ALL_RUN, ButtonStyle.Primary),
          button(t('roleSyncAll.cancel'), SYNC_ALL_CANCEL, ButtonStyle.Secondary),
        ],
      },
    ],
  });
}

/** A note on the sync-all message (started, busy, cancelled, still running), without buttons. */
export function buildSyncAllNote(
  locale: SupportedLocale,
  key: 'roleSyncAll.started' | 'roleSyncAll.busy' | 'roleSyncAll.cancelled' | 'roleSyncAll.stillRunning',
  since?: number,
): MessageView {
  const date = since === undefined ? '' : (discordTimestamp(new Date(since), 'R') ?? '');
  return fitMessage({
    embeds: [
      {
        title: translate(locale, 'roleSyncAll.title'),
        description: translate(locale, key, { date }),
        color: COLORS.info,
      },
    ],
    components: [],
  });
}

/** A finished sweep's summary. */
export function buildSweepSummaryView(locale: SupportedLocale, summary: SweepSummary): MessageView {
  const t = translator(locale);
  const skipped = summary.skipped.backend_error + summary.skipped.left + summary.skipped.outdated;
  const lines = [
    t('roleSweep.summary', {
      checked: summary.checked,
      added: summary.added,
      removed: summary.removed,
      held: summary.heldBack,
      skipped,
    }),
  ];
  if (summary.heldBack > 0) lines.push(t('roleSyncAll.heldHint'));
  return fitMessage({
    embeds: [
      {
        title: t('roleSyncAll.doneTitle'),
        description: lines.join('\n'),
        color: summary.heldBack > 0 ? COLORS.held : COLORS.done,
      },
    ],
    components: [],
  });
}
