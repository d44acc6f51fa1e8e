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

/** The message for `key` in `locale`, with `{name}` placeholders filled from params. */
export function translate(locale: SupportedLocale, key: MessageKey, params: MessageParams = {}): string {
  const template = lookup(CATALOGUES[locale], key) ?? lookup(enUS, key) ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

/** Every dotted key of a catalogue-shaped object; the parity test compares these across languages. */
export function catalogueKeys(catalogue: object, prefix = ''): string[] {
  return Object.entries(catalogue).flatMap(([k, v]) =>
    typeof v === 'string' ? [`${prefix}${k}`] : catalogueKeys(v as object, `${prefix}${k}.`),
  );
}
