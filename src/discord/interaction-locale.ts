import { Injectable } from '@nestjs/common';
import type { BaseInteraction } from 'discord.js';
import { AppConfig, type SupportedLocale } from '../config/app-config';
import { resolveLocale } from '../i18n/i18n';

/** The language to answer an interaction in: the user's Discord locale, else DEFAULT_LOCALE. */
@Injectable()
export class InteractionLocale {
  constructor(private readonly config: AppConfig) {}

  of(interaction: Pick<BaseInteraction, 'locale'>): SupportedLocale {
    return resolveLocale(interaction.locale, this.config.defaultLocale);
  }
}
