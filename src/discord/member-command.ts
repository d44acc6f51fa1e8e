import { ApplicationIntegrationType, InteractionContextType } from 'discord.js';
import { WithInteractionTelemetry } from './interaction.telemetry';

/**
 * Where a member's own commands work: in servers, in the bot's DMs and, installed on the user, in any private
 * channel. Spread into `@SlashCommand({...})`.
 */
export const EVERYWHERE = {
  integrationTypes: [ApplicationIntegrationType.GuildInstall, ApplicationIntegrationType.UserInstall],
  contexts: [InteractionContextType.Guild, InteractionContextType.BotDM, InteractionContextType.PrivateChannel],
};

/** A class of a member's own slash commands and buttons: each answer is logged and counted (InteractionTelemetry). */
export const MemberCommand = (): ClassDecorator => WithInteractionTelemetry();
