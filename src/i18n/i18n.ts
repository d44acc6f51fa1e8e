import type { SupportedLocale } from '../config/app-config';
import { enUS, type Catalogue } from './en-US';
import { fr } from './fr';

export const CATALOGUES: Record<SupportedLocale, Catalogue> = { 'en-US': enUS, fr };

type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];
/** A dotted key of the catalogue, e.g. `notify.field.plan`. */
export type MessageKey = Leaves<Catalogue>;
export type MessageParams = Record<string, string | number>;

/**
 * Maps a Discord locale (`fr`, `en-US`, `en-GB`, ...) to a catalogue we have, else the fallback.
 * Every English variant reads the en-US catalogue.
 */
export function resolveLocale(locale: string | null | undefined, fallback: SupportedLocale): SupportedLocale {
  if (!locale) return fallback;
  if (locale in CATALOGUES) return locale as SupportedLocale;
  const language = locale.split('-')[0].toLowerCase();
  if (language === 'fr') return 'fr';
  if (language === 'en') return 'en-US';
  return fallback;
}

function lookup(catalogue: Catalogue, key: string): string | undefined {
  let node: unknown = catalogue;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' ? node : undefined;
}

/** Whether the key names a string in the catalogues (for keys built from data, such as plan names). */
export function hasMessage(key: string): key is MessageKey {
  return lookup(enUS, key) !== undefined;
}

/** `translate` bound to one locale: the `t` of a view. */
export const translator =
  (locale: SupportedLocale) =>
  (key: MessageKey, params?: MessageParams): string =>
    translate(locale, key, params);

/** The message for `key` in `locale`, with `{name}` placeholders filled from params. */
export function translate(locale: SupportedLocale, key: MessageKey, params: MessageParams = {}): string {
  const template = lookup(CATALOGUES[locale], key) ?? lookup(enUS, key) ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

/** Every string of a catalogue-shaped object, by dotted key. */
export function catalogueEntries(catalogue: object, prefix = ''): Map<string, string> {
  const entries = new Map<string, string>();
  for (const [k, v] of Object.entries(catalogue)) {
    if (typeof v === 'string') entries.set(`${prefix}${k}`, v);
    else for (const [key, text] of catalogueEntries(v as object, `${prefix}${k}.`)) entries.set(key, text);
  }
  return entries;
}

/** The `{name}` placeholders of a message, sorted, each once. */
export function placeholdersOf(text: string): string[] {
  return [...new Set(text.match(/\{\w+\}/g) ?? [])].sort();
}

/**
 * How `other` differs from the `reference` catalogue, one line per key: a key missing or extra, or a message
 * whose placeholders are not the same set (a `{amount}` a translation dropped, or one it made up).
 */
export function catalogueMismatches(reference: object, other: object): string[] {
  const ref = catalogueEntries(reference);
  const oth = catalogueEntries(other);
  const problems: string[] = [];
  for (const [key, text] of ref) {
    const translated = oth.get(key);
    if (translated === undefined) {
      problems.push(`${key}: missing`);
      continue;
    }
    const want = placeholdersOf(text).join(' ');
    const got = placeholdersOf(translated).join(' ');
    if (want !== got) problems.push(`${key}: placeholders [${got}] instead of [${want}]`);
  }
  for (const key of oth.keys()) if (!ref.has(key)) problems.push(`${key}: not in the reference catalogue`);
  return problems;
}
