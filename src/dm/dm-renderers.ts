import type { RESTPostAPIChannelMessageJSONBody } from 'discord.js';
import type { SupportedLocale } from '../config/app-config';
import type { DmJobs, DmKind } from './dm-kinds';
import { buildInvoiceDm } from './invoice-dm';
import { buildRefundDm } from './refund-dm';
import { buildNotifyDm } from './subscription-dm';

type DmRenderers = {
  [K in DmKind]: (
    locale: SupportedLocale,
    dm: DmJobs[K],
    billingUrl: string | undefined,
  ) => RESTPostAPIChannelMessageJSONBody;
};

/** The DM of each kind, in the reader's language: every kind has one (checked at compile time). */
const DM_RENDERERS: DmRenderers = {
  subscription: (locale, dm) => buildNotifyDm(locale, dm),
  invoice: (locale, dm, billingUrl) => buildInvoiceDm(locale, dm.event, dm.invoice, billingUrl),
  refund: (locale, dm) => buildRefundDm(locale, dm),
};

/** The DM a job stands for; undefined for a kind this version does not know (a row written by a newer one). */
export function renderDm<K extends DmKind>(
  locale: SupportedLocale,
  kind: K,
  dm: DmJobs[K],
  billingUrl: string | undefined,
): RESTPostAPIChannelMessageJSONBody | undefined {
  const render: DmRenderers[K] | undefined = Object.hasOwn(DM_RENDERERS, kind) ? DM_RENDERERS[kind] : undefined;
  return render?.(locale, dm, billingUrl);
}
