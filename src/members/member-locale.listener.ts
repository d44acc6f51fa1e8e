import { Injectable, Logger } from '@nestjs/common';
import { Context, On, type ContextOf } from 'necord';
import { MemberProfiles } from './member-profiles.service';

/** Remembers the language each member uses with the bot, so later DMs are written in it. */
@Injectable()
export class MemberLocaleListener {
  private readonly logger = new Logger(MemberLocaleListener.name);

  constructor(private readonly profiles: MemberProfiles) {}

  @On('interactionCreate')
  onInteraction(@Context() [interaction]: ContextOf<'interactionCreate'>): void {
    this.profiles
      .rememberLocale(interaction.user.id, interaction.locale)
      .catch((error: unknown) => this.logger.warn(`Could not remember a locale: ${(error as Error).message}`));
  }
}
