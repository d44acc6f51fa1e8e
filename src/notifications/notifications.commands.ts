import { Injectable } from '@nestjs/common';
import { MessageFlags } from 'discord.js';
import { Context, SlashCommand, type SlashCommandContext } from 'necord';
import { MemberDms } from '../dm/member-dms.service';
import { describeCommand } from '../discord/command-text';
import { EVERYWHERE, MemberCommand } from '../discord/member-command';
import { InteractionLocale } from '../discord/interaction-locale';
import { buildInboxView } from './inbox.view';

/** `/notifications`: the member's billing inbox, privately. */
@MemberCommand()
@Injectable()
export class NotificationsCommands {
  constructor(
    private readonly dms: MemberDms,
    private readonly locale: InteractionLocale,
  ) {}

  @SlashCommand({
    name: 'notifications',
    ...describeCommand('commands.notifications'),
    ...EVERYWHERE,
  })
  async onNotifications(@Context() [interaction]: SlashCommandContext): Promise<void> {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const locale = this.locale.of(interaction);
    const rows = await this.dms.recent(interaction.user.id, 10);
    await interaction.editReply(buildInboxView(locale, rows, (row) => this.dms.render(locale, row)));
  }
}
