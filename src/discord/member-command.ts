import { ApplicationIntegrationType, InteractionContextType } from 'discord.js';

/**
 * Where a member's own commands work: in servers, in the bot's DMs and, installed on the user, in any private
 * channel. Spread into `@SlashCommand({...})`.
 */
export const EVERYWHERE = {
  integrationTypes: [ApplicationIntegrationType.GuildInstall, ApplicationIntegrationType.UserInstall],
  contexts: [InteractionContextType.Guild, InteractionContextType.BotDM, InteractionContextType.PrivateChannel],
};
