import { ApplicationIntegrationType, InteractionContextType, PermissionFlagsBits } from 'discord.js';
import { createCommandGroupDecorator } from 'necord';
import { describeCommand } from './command-text';

/**
 * The one `/admin` root command. Each feature decorates its staff command class with `@AdminCommand()`
 * and adds `@Subcommand`s, so every staff tool sits under a single entry in Discord's command picker.
 * Discord hides it from non-administrators; StaffGuard checks again on our side.
 */
export const AdminCommand = createCommandGroupDecorator({
  name: 'admin',
  ...describeCommand('commands.admin'),
  defaultMemberPermissions: PermissionFlagsBits.Administrator,
  contexts: [InteractionContextType.Guild],
  integrationTypes: [ApplicationIntegrationType.GuildInstall],
});
