import { Injectable, Logger, UseGuards, type OnApplicationShutdown } from '@nestjs/common';
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
import type { SupportedLocale } from '../config/app-config';
import { AdminButtons, AdminCommand } from '../discord/admin-command';
import { describeCommand } from '../discord/command-text';
import { InteractionLocale } from '../discord/interaction-locale';
import { StaffGuard } from '../discord/staff.guard';
import { translate } from '../i18n/i18n';
import { AdminRefundOptions } from './dto/admin-refund.options';
import {
  aboveInvoiceText,
  alreadyText,
  amountProblemText,
  buildCancelledView,
  buildConfirmationView,
  buildExpiredView,
  buildOutcomeView,
  REFUND_CANCEL_PATTERN,
  REFUND_CONFIRM_PATTERN,
  textView,
  type RefundButtonAction,
  type RefundView,
} from './refund-admin.view';
import { RefundConfirmations, type Prepared, type Pressed } from './refund-confirmations.service';
import { RefundTiming } from './refund-timing';
import type { RefundConfirmation } from './refunds.repository';

/** What the admin sees for a prepared refund (the confirmation, or why there is none). */
function preparedView(locale: SupportedLocale, prepared: Prepared, targetId: string): RefundView {
  switch (prepared.kind) {
    case 'noPaidInvoice':
      return textView(translate(locale, 'refunds.noPaidInvoice', { user: `<@${targetId}>` }));
    case 'badAmount':
      return textView(amountProblemText(locale, prepared.problem, prepared.currency));
    case 'aboveInvoice':
      return textView(aboveInvoiceText(locale, prepared.minor, prepared.invoice));
    case 'confirm':
      return buildConfirmationView(locale, prepared.confirmation);
  }
}

/** What a click shows: a new state of the admin's message, or a private note that leaves it as it is. */
function pressedReply(locale: SupportedLocale, pressed: Pressed): { show: RefundView } | { tell: string } {
  switch (pressed.kind) {
    case 'unknown':
      return { tell: translate(locale, 'refunds.expired') };
    case 'notYours':
      return { tell: translate(locale, 'refunds.notYours') };
    case 'decided':
      return { tell: alreadyText(locale, pressed.state) };
    case 'expired':
      return { show: buildExpiredView(locale, pressed.confirmation) };
    case 'cancelled':
      return { show: buildCancelledView(locale, pressed.confirmation) };
    case 'sent':
      return { show: buildOutcomeView(locale, pressed.confirmation, pressed.outcome, pressed.dm) };
  }
}

/** `/admin refund user [amount] [reason]`: shows a confirmation; nothing moves until Confirm. */
@AdminCommand()
@UseGuards(StaffGuard)
@Injectable()
export class AdminRefundCommands implements OnApplicationShutdown {
  private readonly logger = new Logger(AdminRefundCommands.name);
  /** Only disables stale buttons; the database's expires_at is what refuses a late click. */
  private readonly expiryTimers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly confirmations: RefundConfirmations,
    private readonly locale: InteractionLocale,
    private readonly timing: RefundTiming,
  ) {}

  @Subcommand({ name: 'refund', ...describeCommand('commands.adminRefund') })
  async onRefund(
    @Context() [interaction]: SlashCommandContext,
    @Options() { user, amount, reason }: AdminRefundOptions,
  ): Promise<void> {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const locale = this.locale.of(interaction);
    const prepared = await this.confirmations.prepare({
      interactionId: interaction.id,
      adminId: interaction.user.id,
      targetId: user.id,
      amount,
      reason,
      locale,
    });
    // The expiry is timed from the confirmation itself, before it is shown (and before anyone can press it).
    if (prepared.kind === 'confirm') this.disableWhenExpired(prepared.confirmation, interaction);
    await interaction.editReply(preparedView(locale, prepared, user.id));
  }

  onApplicationShutdown(): void {
    for (const timer of this.expiryTimers) clearTimeout(timer);
    this.expiryTimers.clear();
  }

  private disableWhenExpired(confirmation: RefundConfirmation, interaction: ChatInputCommandInteraction): void {
    const timer = setTimeout(
      () => {
        this.expiryTimers.delete(timer);
        void this.expire(confirmation, interaction);
      },
      Math.max(0, confirmation.expiresAt - this.timing.now()),
    );
    timer.unref();
    this.expiryTimers.add(timer);
  }

  private async expire(confirmation: RefundConfirmation, interaction: ChatInputCommandInteraction): Promise<void> {
    try {
      if (await this.confirmations.expire(confirmation)) {
        await interaction.editReply(buildExpiredView(confirmation.locale as SupportedLocale, confirmation));
      }
    } catch (error) {
      this.logger.warn(`Could not disable the buttons of refund ${confirmation.id}: ${(error as Error).message}`);
    }
  }
}

/**
 * Confirm and Cancel. Staff is checked again (a role may have been taken away within the minute); the
 * service then checks that the clicker is the admin who asked, and claims the confirmation in the database.
 */
@AdminButtons()
@UseGuards(StaffGuard)
@Injectable()
export class RefundButtons {
  constructor(
    private readonly confirmations: RefundConfirmations,
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
    const pressed = await this.confirmations.press({
      action,
      confirmationId: id,
      interactionId: interaction.id,
      userId: interaction.user.id,
    });
    const reply = pressedReply(this.locale.of(interaction), pressed);
    if ('show' in reply) await interaction.editReply(reply.show);
    else await interaction.followUp({ content: reply.tell, flags: MessageFlags.Ephemeral });
  }
}
