import type { SupportedLocale } from '../config/app-config';
import { hasMessage, translate } from '../i18n/i18n';

/** Stripe's zero-decimal currencies: 500 JPY is sent as 500. */
const ZERO_DECIMAL = new Set('BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF'.split(' '));
/** Stripe's three-decimal currencies: 5.125 KWD is sent as 5125. */
const THREE_DECIMAL = new Set('BHD JOD KWD OMR TND'.split(' '));

/**
 * How many decimals an amount's minor units have, as Stripe counts them (the backend's amounts are Stripe's):
 * 0 and 3 for the currencies above, 2 for every other, including those ISO or Intl give 0 (ISK, HUF, IDR,
 * COP, PKR, ...), which Stripe still sends with two decimals (5 ISK is 500).
 */
export function minorUnitDigits(currency: string): number {
  const code = currency.toUpperCase();
  return ZERO_DECIMAL.has(code) ? 0 : THREE_DECIMAL.has(code) ? 3 : 2;
}

/**
 * An amount in minor units, formatted for the locale in its currency: 9900 eur is "99,00 €" in fr and
 * "€99.00" in en-US; 500 jpy is "¥500"; 5125 kwd is "KWD 5.125". The minor units are Stripe's (see
 * minorUnitDigits); decimals the currency does not show (ISK, HUF) are shown only when they are not zero.
 * An unknown currency code falls back to the plain number and the code, never "NaN".
 */
export function formatMoney(locale: SupportedLocale, amountMinor: number, currency: string): string {
  const code = currency.toUpperCase();
  const digits = minorUnitDigits(code);
  const format = moneyFormat(locale, code, digits);
  return format
    ? format.format(amountMinor / 10 ** digits)
    : `${plainFormat(locale).format(amountMinor / 100)} ${code}`;
}

/** Formatters made once per language and currency: building one costs more than the rest of a DM's rendering. */
const MONEY_FORMATS = new Map<string, Intl.NumberFormat | null>();
const FORMATS_MAX = 500;

/** The formatter of a currency in a language; null for a code Intl does not know. */
function moneyFormat(locale: SupportedLocale, code: string, digits: number): Intl.NumberFormat | null {
  const key = `${locale}|${code}`;
  let format = MONEY_FORMATS.get(key);
  if (format !== undefined) return format;
  try {
    const shown = new Intl.NumberFormat(locale, { style: 'currency', currency: code }).resolvedOptions();
    format = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency: code,
      minimumFractionDigits: Math.min(shown.maximumFractionDigits ?? digits, digits),
      maximumFractionDigits: digits,
    });
  } catch {
    format = null;
  }
  // Currency codes come from the backend: a stream of odd ones must not grow the cache without bound.
  if (MONEY_FORMATS.size >= FORMATS_MAX) MONEY_FORMATS.clear();
  MONEY_FORMATS.set(key, format);
  return format;
}

const PLAIN_FORMATS = new Map<SupportedLocale, Intl.NumberFormat>();
function plainFormat(locale: SupportedLocale): Intl.NumberFormat {
  let format = PLAIN_FORMATS.get(locale);
  if (!format) {
    format = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    PLAIN_FORMATS.set(locale, format);
  }
  return format;
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

/** Plans' display names, comma separated. */
export function planNames(locale: SupportedLocale, plans: string[]): string {
  return plans.map((p) => planName(locale, p)).join(', ');
}

/** A list cut to its first lines, with "… and N more" (the line `more` words) when `total` is larger. */
export function withMore(lines: string[], total: number, more: (count: number) => string): string[] {
  return total > lines.length ? [...lines, more(total - lines.length)] : lines;
}
