import { Injectable, UseGuards } from '@nestjs/common';
import { MessageFlags } from 'discord.js';
import { Context, Options, Subcommand, type SlashCommandContext } from 'necord';
import { AdminCommand } from '../discord/admin-command';
import { describeCommand } from '../discord/command-text';
import { InteractionLocale } from '../discord/interaction-locale';
import { StaffGuard } from '../discord/staff.guard';
import { RolesSyncOptions } from './dto/roles-sync.options';
import { RolesSync } from './roles-sync.service';
import { buildRolesSyncView } from './roles-sync.view';

/** `/admin roles sync user`: staff put a member's roles back in line with their subscription. */
@AdminCommand({ name: 'roles', ...describeCommand('commands.adminRoles') })
@UseGuards(StaffGuard)
@Injectable()
export class RolesCommands {
  constructor(
    private readonly sync: RolesSync,
    private readonly locale: InteractionLocale,
  ) {}

  @Subcommand({ name: 'sync', ...describeCommand('commands.adminRolesSync') })
  async onSync(@Context() [interaction]: SlashCommandContext, @Options() { user }: RolesSyncOptions): Promise<void> {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const result = await this.sync.sync(user.id, 'staff_sync', interaction.user.id);
    await interaction.editReply(buildRolesSyncView(this.locale.of(interaction), `<@${user.id}>`, result));
  }
}
