import { Global, Module } from '@nestjs/common';
import { IntentsBitField } from 'discord.js';
import { NecordModule, type NecordModuleOptions } from 'necord';
import { AppConfig } from '../config/app-config';
import { DiscordRestService } from './discord-rest.service';
import { InteractionLocale } from './interaction-locale';
import { StaffGuard, StaffService } from './staff.guard';

/** The discord.js client options the service runs with, derived from the configuration. */
export function discordClientOptions(config: AppConfig): NecordModuleOptions {
  const options: NecordModuleOptions = {
    token: config.discord.token,
    // GuildMembers (privileged) brings member joins, for pending role changes and member events.
    intents: [IntentsBitField.Flags.Guilds, IntentsBitField.Flags.GuildMembers],
    development: config.discord.devGuildIds.length > 0 ? config.discord.devGuildIds : false,
  };
  // Only set rest.api when overridden: an explicit `undefined` would replace discord.js's default URL.
  if (config.discord.apiUrl) options.rest = { api: config.discord.apiUrl };
  return options;
}

@Global()
@Module({
  imports: [NecordModule.forRootAsync({ inject: [AppConfig], useFactory: discordClientOptions })],
  providers: [DiscordRestService, InteractionLocale, StaffService, StaffGuard],
  exports: [DiscordRestService, InteractionLocale, StaffService, StaffGuard],
})
export class DiscordModule {}
