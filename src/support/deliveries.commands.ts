import { Injectable, UseGuards } from '@nestjs/common';
import { MessageFlags } from 'discord.js';
import { Button, ComponentParam, Context, Subcommand, type ButtonContext, type SlashCommandContext } from 'necord';
import type { SupportedLocale } from '../config/app-config';
import { AdminButtons, AdminCommand } from '../discord/admin-command';
import { describeCommand } from '../discord/command-text';
import { InteractionLocale } from '../discord/interaction-locale';
import { StaffGuard } from '../discord/staff.guard';
import type { MessageView } from '../discord/message-view';
import { buildDeliveriesView, DELIVERIES_PAGE_PATTERN, DELIVERIES_RETRY_PATTERN } from './deliveries.view';
import { Notifications } from '../dm/notifications.repository';
import { DeliveryRetry } from './delivery-retry';

/** Builds one page of `/admin deliveries`. */
@Injectable()
export class DeliveriesScreen {
  constructor(private readonly report: Notifications) {}

  async build(locale: SupportedLocale, page: number): Promise<MessageView> {
    const safe = Number.isInteger(page) && page >= 0 ? page : 0;
    const [counts, dead] = await Promise.all([this.report.counts(), this.report.dead(safe)]);
    return buildDeliveriesView(locale, counts, dead, safe);
  }
}

/** `/admin deliveries`: how notifications fared, and the dead ones with a Retry each. */
@AdminCommand()
@UseGuards(StaffGuard)
@Injectable()
export class DeliveriesCommands {
  constructor(
    private readonly screen: DeliveriesScreen,
    private readonly locale: InteractionLocale,
  ) {}

  @Subcommand({ name: 'deliveries', ...describeCommand('commands.adminDeliveries') })
  async onDeliveries(@Context() [interaction]: SlashCommandContext): Promise<void> {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    await interaction.editReply(await this.screen.build(this.locale.of(interaction), 0));
  }
}

/** Paging and Retry. A retry re-queues the same notification: one DM at most, however many click. */
@AdminButtons()
@UseGuards(StaffGuard)
@Injectable()
export class DeliveriesButtons {
  constructor(
    private readonly screen: DeliveriesScreen,
    private readonly locale: InteractionLocale,
    private readonly retries: DeliveryRetry,
  ) {}

  @Button(DELIVERIES_PAGE_PATTERN)
  async onPage(@Context() [interaction]: ButtonContext, @ComponentParam('page') page: string): Promise<void> {
    await interaction.deferUpdate();
    await interaction.editReply(await this.screen.build(this.locale.of(interaction), Number(page)));
  }

  @Button(DELIVERIES_RETRY_PATTERN)
  async onRetry(
    @Context() [interaction]: ButtonContext,
    @ComponentParam('id') id: string,
    @ComponentParam('page') page: string,
  ): Promise<void> {
    await interaction.deferUpdate();
    const locale = this.locale.of(interaction);
    const { note } = await this.retries.retry(id, interaction.user.id, locale);
    await interaction.followUp({ content: note, flags: MessageFlags.Ephemeral });
    await interaction.editReply(await this.screen.build(locale, Number(page)));
  }
}
