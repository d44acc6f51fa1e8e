import type { LocalizationMap } from 'discord.js';
import { CATALOGUES, translate, type MessageKey } from '../i18n/i18n';
import type { SupportedLocale } from '../config/app-config';

/**
 * A command or option description for registration: the English text as the default, and every
 * catalogue's text as Discord localizations, so the command picker speaks the user's language.
 */
export function describe(key: MessageKey): { description: string; description_localizations: LocalizationMap } {
  const localizations: LocalizationMap = {};
  for (const locale of Object.keys(CATALOGUES) as SupportedLocale[]) localizations[locale] = translate(locale, key);
  return { description: translate('en-US', key), description_localizations: localizations };
}

/** The same, with the camelCase names necord's command decorators take. */
export function describeCommand(key: MessageKey): { description: string; descriptionLocalizations: LocalizationMap } {
  const { description, description_localizations } = describe(key);
  return { description, descriptionLocalizations: description_localizations };
}
