import { Injectable, UseGuards } from '@nestjs/common';
import { MessageFlags, type ButtonInteraction } from 'discord.js';
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
import type { MessageView } from '../discord/message-view';
import { RolesSync } from '../role-truth';
import { buildRolesSyncView } from '../roles/roles-sync.view';
import { DeliveryRetry } from './delivery-retry';
import { DeskAudit } from './desk-audit';
import { AdminMemberOptions } from './dto/admin-member.options';
import { MemberDesk } from './member-desk.service';
import {
  buildMemberView,
  MEMBER_HISTORY_PATTERN,
  MEMBER_NOW_PATTERN,
  MEMBER_RESYNC_PATTERN,
  MEMBER_RETRY_PATTERN,
  type MemberSection,
} from './member-desk.view';
import { MemberHistory } from './member-history';

/** Builds one section of the member screen (each section reads only what it shows). */
@Injectable()
export class MemberScreen {
  constructor(
    private readonly desk: MemberDesk,
    private readonly history: MemberHistory,
  ) {}

  async build(locale: SupportedLocale, userId: string, section: MemberSection): Promise<MessageView> {
    const [data, retryable] = await Promise.all([
      section === 'now'
        ? this.desk.now(userId).then((now) => ({ now }))
        : this.history.of(userId).then((history) => ({ history })),
      this.history.retryable(userId),
    ]);
    return buildMemberView(locale, userId, section, { ...data, retryable });
  }
}

/** `/admin member user`: why a member has or lacks premium, and what the bot did about them. */
@AdminCommand()
@UseGuards(StaffGuard)
@Injectable()
export class MemberDeskCommands {
  constructor(
    private readonly screen: MemberScreen,
    private readonly locale: InteractionLocale,
  ) {}

  @Subcommand({ name: 'member', ...describeCommand('commands.adminMember') })
  async onMember(
    @Context() [interaction]: SlashCommandContext,
    @Options() { user }: AdminMemberOptions,
  ): Promise<void> {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    await interaction.editReply(await this.screen.build(this.locale.of(interaction), user.id, 'now'));
  }
}

/** The member screen's buttons. Staff is checked again on each click; each action is audited. */
@AdminButtons()
@UseGuards(StaffGuard)
@Injectable()
export class MemberDeskButtons {
  constructor(
    private readonly screen: MemberScreen,
    private readonly locale: InteractionLocale,
    private readonly sync: RolesSync,
    private readonly retries: DeliveryRetry,
    private readonly audit: DeskAudit,
  ) {}

  @Button(MEMBER_NOW_PATTERN)
  onNow(@Context() [interaction]: ButtonContext, @ComponentParam('user') user: string): Promise<void> {
    return this.show(interaction, user, 'now');
  }

  @Button(MEMBER_HISTORY_PATTERN)
  onHistory(@Context() [interaction]: ButtonContext, @ComponentParam('user') user: string): Promise<void> {
    return this.show(interaction, user, 'history');
  }

  @Button(MEMBER_RESYNC_PATTERN)
  async onResync(@Context() [interaction]: ButtonContext, @ComponentParam('user') user: string): Promise<void> {
    await interaction.deferUpdate();
    const locale = this.locale.of(interaction);
    const result = await this.sync.sync(user, 'staff_sync', interaction.user.id);
    await this.audit.record('resync', interaction.user.id, user, result.roles.message);
    await interaction.followUp({ ...buildRolesSyncView(locale, `<@${user}>`, result), flags: MessageFlags.Ephemeral });
    await interaction.editReply(await this.screen.build(locale, user, 'now'));
  }

  @Button(MEMBER_RETRY_PATTERN)
  async onRetry(@Context() [interaction]: ButtonContext, @ComponentParam('id') id: string): Promise<void> {
    await interaction.deferUpdate();
    const locale = this.locale.of(interaction);
    const { retried, note } = await this.retries.retry(id, interaction.user.id, locale);
    await interaction.followUp({ content: note, flags: MessageFlags.Ephemeral });
    if (retried) await interaction.editReply(await this.screen.build(locale, retried.discord_id, 'history'));
  }

  private async show(interaction: ButtonInteraction, user: string, section: MemberSection): Promise<void> {
    await interaction.deferUpdate();
    await interaction.editReply(await this.screen.build(this.locale.of(interaction), user, section));
  }
}
