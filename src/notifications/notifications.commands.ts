import { Injectable } from '@nestjs/common';
import { MessageFlags } from 'discord.js';
import { Context, SlashCommand, type SlashCommandContext } from 'necord';
import { describeCommand } from '../discord/command-text';
import { EVERYWHERE } from '../discord/member-command';
import { InteractionLocale } from '../discord/interaction-locale';
import { buildInboxView } from './inbox.view';
import { NotificationDelivery } from './notification-delivery';
import { NotificationsService } from './notifications.service';

/** `/notifications`: the member's billing inbox, privately. */
@Injectable()
export class NotificationsCommands {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly delivery: NotificationDelivery,
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
    const rows = await this.notifications.recent(interaction.user.id, 10);
    await interaction.editReply(buildInboxView(locale, rows, (row) => this.delivery.render(locale, row)));
  }
}
