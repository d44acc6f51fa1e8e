import { Injectable, UseGuards } from '@nestjs/common';
import { MessageFlags, type ButtonInteraction, type ChatInputCommandInteraction } from 'discord.js';
import {
  Button,
  ComponentParam,
  Context,
  Options,
  SlashCommand,
  Subcommand,
  type ButtonContext,
  type SlashCommandContext,
} from 'necord';
import { AdminCommand } from '../discord/admin-command';
import { describeCommand } from '../discord/command-text';
import { EVERYWHERE, MemberCommand } from '../discord/member-command';
import { InteractionLocale } from '../discord/interaction-locale';
import { StaffGuard } from '../discord/staff.guard';
import { translate } from '../i18n/i18n';
import { AdminInvoicesOptions, DEFAULT_INVOICES_LIMIT, InvoicesOptions } from './dto/invoices-command.options';
import { InvoicesClient } from './invoices.client';
import { buildInvoicesView, INVOICES_BUTTON_PATTERN, type InvoicesPageRef } from './invoices.view';

/** Renders one page of someone's invoices, fetched fresh so any replica can serve any page button. */
@Injectable()
export class InvoicesPages {
  constructor(
    private readonly client: InvoicesClient,
    private readonly locale: InteractionLocale,
  ) {}

  async show(interaction: ChatInputCommandInteraction | ButtonInteraction, ref: InvoicesPageRef): Promise<void> {
    const { invoices } = await this.client.list(ref.subjectId, ref.limit);
    const mention = ref.subjectId === ref.ownerId ? undefined : `<@${ref.subjectId}>`;
    await interaction.editReply(buildInvoicesView(this.locale.of(interaction), invoices, ref, mention));
  }
}

/** `/invoices [limit]` and its page buttons. */
@MemberCommand()
@Injectable()
export class InvoicesCommands {
  constructor(
    private readonly pages: InvoicesPages,
    private readonly locale: InteractionLocale,
  ) {}

  @SlashCommand({
    name: 'invoices',
    ...describeCommand('commands.invoices'),
    ...EVERYWHERE,
  })
  async onInvoices(
    @Context() [interaction]: SlashCommandContext,
    @Options() { limit }: InvoicesOptions,
  ): Promise<void> {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const me = interaction.user.id;
    await this.pages.show(interaction, { page: 0, ownerId: me, subjectId: me, limit: limit ?? DEFAULT_INVOICES_LIMIT });
  }

  /** Previous/Next: only the user who ran the command may turn the pages. */
  @Button(INVOICES_BUTTON_PATTERN)
  async onPage(
    @Context() [interaction]: ButtonContext,
    @ComponentParam('page') page: string,
    @ComponentParam('owner') owner: string,
    @ComponentParam('subject') subject: string,
    @ComponentParam('limit') limit: string,
  ): Promise<void> {
    if (interaction.user.id !== owner) {
      await interaction.reply({
        content: translate(this.locale.of(interaction), 'invoices.notYours'),
        flags: MessageFlags.Ephemeral,
      });
      return;
    }
    await interaction.deferUpdate();
    const pageNumber = Number.isInteger(Number(page)) ? Number(page) : 0;
    const max = Number(limit);
    const safeLimit = Number.isInteger(max) && max >= 1 && max <= 100 ? max : DEFAULT_INVOICES_LIMIT;
    await this.pages.show(interaction, { page: pageNumber, ownerId: owner, subjectId: subject, limit: safeLimit });
  }
}

/** `/admin invoices user [limit]`: the same view about another member, for staff. */
@AdminCommand()
@UseGuards(StaffGuard)
@Injectable()
export class AdminInvoicesCommands {
  constructor(private readonly pages: InvoicesPages) {}

  @Subcommand({ name: 'invoices', ...describeCommand('commands.adminInvoices') })
  async onAdminInvoices(
    @Context() [interaction]: SlashCommandContext,
    @Options() { user, limit }: AdminInvoicesOptions,
  ): Promise<void> {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    await this.pages.show(interaction, {
      page: 0,
      ownerId: interaction.user.id,
      subjectId: user.id,
      limit: limit ?? DEFAULT_INVOICES_LIMIT,
    });
  }
}
