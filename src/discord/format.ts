import type { SupportedLocale } from '../config/app-config';
import { hasMessage, translate } from '../i18n/i18n';

/**
 * An amount in minor units, formatted for the locale in its currency: 9900 eur is "99,00 €" in fr and
 * "€99.00" in en-US. The currency's own number of decimals is used (JPY has none). An unknown currency
 * code falls back to the plain number and the code, never "NaN".
 */
export function formatMoney(locale: SupportedLocale, amountMinor: number, currency: string): string {
  const code = currency.toUpperCase();
  try {
    const probe = new Intl.NumberFormat(locale, { style: 'currency', currency: code });
    const digits = probe.resolvedOptions().maximumFractionDigits ?? 2;
    return probe.format(amountMinor / 10 ** digits);
  } catch {
    const plain = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    return `${plain.format(amountMinor / 100)} ${code}`;
  }
}

export type TimestampStyle = 't' | 'T' | 'd' | 'D' | 'f' | 'F' | 'R';

/** A Discord timestamp tag: each reader sees it in their own timezone and language. */
export function discordTimestamp(isoOrDate: string | Date, style: TimestampStyle): string | undefined {
  const ms = typeof isoOrDate === 'string' ? Date.parse(isoOrDate) : isoOrDate.getTime();
  if (!Number.isFinite(ms)) return undefined;
  return `<t:${Math.floor(ms / 1000)}:${style}>`;
}

/** A plan's display name: from the catalogue when known, else its id made readable (moddy_pro -> Moddy Pro). */
export function planName(locale: SupportedLocale, plan: string): string {
  const key = `plan.${plan}`;
  if (hasMessage(key)) return translate(locale, key);
  return plan
    .split(/[_\s-]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join(' ');
}
