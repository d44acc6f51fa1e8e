import { Injectable, UseGuards } from '@nestjs/common';
import { MessageFlags, type ButtonInteraction, type ChatInputCommandInteraction } from 'discord.js';
import {
  Button,
  ComponentParam,
  Context,
  Options,
  Subcommand,
  type ButtonContext,
  type SlashCommandContext,
} from 'necord';
import { AdminCommand } from '../discord/admin-command';
import { describeCommand } from '../discord/command-text';
import { InteractionLocale } from '../discord/interaction-locale';
import { StaffGuard } from '../discord/staff.guard';
import { AdminRefundOptions } from './dto/admin-refund.options';
import { RefundsService, type RefundScreen } from './refunds.service';
import { REFUND_CANCEL_PATTERN, REFUND_CONFIRM_PATTERN, type RefundButtonAction } from './refunds.view';

/** The admin's message, edited in place; private notes go out as ephemeral follow-ups. */
function screenOf(interaction: ChatInputCommandInteraction | ButtonInteraction): RefundScreen {
  return {
    show: (view) => interaction.editReply(view),
    tell: (content) => interaction.followUp({ content, flags: MessageFlags.Ephemeral }),
  };
}

/** `/admin refund user [amount] [reason]`: shows a confirmation; nothing moves until Confirm. */
@AdminCommand()
@UseGuards(StaffGuard)
@Injectable()
export class AdminRefundCommands {
  constructor(
    private readonly refunds: RefundsService,
    private readonly locale: InteractionLocale,
  ) {}

  @Subcommand({ name: 'refund', ...describeCommand('commands.adminRefund') })
  async onRefund(
    @Context() [interaction]: SlashCommandContext,
    @Options() { user, amount, reason }: AdminRefundOptions,
  ): Promise<void> {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    await this.refunds.prepare(
      {
        interactionId: interaction.id,
        adminId: interaction.user.id,
        targetId: user.id,
        amount,
        reason,
        locale: this.locale.of(interaction),
      },
      screenOf(interaction),
    );
  }
}

/**
 * Confirm and Cancel. Staff is checked again (a role may have been taken away within the minute); the
 * service then checks that the clicker is the admin who asked, and claims the confirmation in the database.
 */
@UseGuards(StaffGuard)
@Injectable()
export class RefundButtons {
  constructor(
    private readonly refunds: RefundsService,
    private readonly locale: InteractionLocale,
  ) {}

  @Button(REFUND_CONFIRM_PATTERN)
  onConfirm(@Context() [interaction]: ButtonContext, @ComponentParam('id') id: string): Promise<void> {
    return this.press(interaction, 'confirm', id);
  }

  @Button(REFUND_CANCEL_PATTERN)
  onCancel(@Context() [interaction]: ButtonContext, @ComponentParam('id') id: string): Promise<void> {
    return this.press(interaction, 'cancel', id);
  }

  private async press(interaction: ButtonInteraction, action: RefundButtonAction, id: string): Promise<void> {
    // Acknowledge first: the claim and the refund call must not race Discord's 3 s deadline.
    await interaction.deferUpdate();
    await this.refunds.press(
      {
        action,
        confirmationId: id,
        interactionId: interaction.id,
        userId: interaction.user.id,
        locale: this.locale.of(interaction),
      },
      screenOf(interaction),
    );
  }
}
