import { applyDecorators } from '@nestjs/common';
import { ApplicationIntegrationType, InteractionContextType, PermissionFlagsBits } from 'discord.js';
import { createCommandGroupDecorator } from 'necord';
import { describeCommand } from './command-text';
import { WithInteractionTelemetry } from './interaction.telemetry';

const AdminGroup = createCommandGroupDecorator({
  name: 'admin',
  ...describeCommand('commands.admin'),
  defaultMemberPermissions: PermissionFlagsBits.Administrator,
  contexts: [InteractionContextType.Guild],
  integrationTypes: [ApplicationIntegrationType.GuildInstall],
});

/**
 * The one `/admin` root command. Each feature decorates its staff command class with `@AdminCommand()` (or
 * `@AdminCommand({ name, ... })` for a subcommand group) and adds `@Subcommand`s, so every staff tool sits under
 * a single entry in Discord's command picker. Discord hides it from non-administrators; StaffGuard checks again
 * on our side. Each answer is logged and counted (InteractionTelemetry).
 */
export function AdminCommand(group?: Parameters<typeof AdminGroup>[0]): ClassDecorator {
  return applyDecorators(AdminGroup(group), WithInteractionTelemetry());
}

/** A class of the buttons of an `/admin` screen: each press is logged and counted, like the commands. */
export const AdminButtons = (): ClassDecorator => WithInteractionTelemetry();
