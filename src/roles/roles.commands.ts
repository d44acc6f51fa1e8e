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
import { AppConfig } from '../config/app-config';
import { AdminButtons, AdminCommand } from '../discord/admin-command';
import { describeCommand } from '../discord/command-text';
import { InteractionLocale } from '../discord/interaction-locale';
import { StaffGuard } from '../discord/staff.guard';
import { RolesSyncOptions } from './dto/roles-sync.options';
import {
  BRAKE_APPLY_PATTERN,
  BRAKE_DISMISS_PATTERN,
  buildBrakeDecidedMessage,
  RolesSync,
  RoleSweeper,
  summaryOf,
} from '../role-truth';
import {
  alreadyDecidedText,
  buildAuditProgress,
  buildAuditView,
  buildSweepSummaryView,
  buildSyncAllConfirm,
  buildSyncAllNote,
  SYNC_ALL_CANCEL,
  SYNC_ALL_RUN,
} from './role-sweep.view';
import { buildRolesSyncView } from './roles-sync.view';

/** An interaction token lives 15 minutes; a reply waits at most this long for slow work. */
const REPLY_WINDOW_MS = 14 * 60_000;
const PROGRESS_EVERY_MS = 5_000;

/** `/admin roles ...`: staff put roles back in line with the subscriptions, or look at the drift first. */
@AdminCommand({ name: 'roles', ...describeCommand('commands.adminRoles') })
@UseGuards(StaffGuard)
@Injectable()
export class RolesCommands {
  constructor(
    private readonly sync: RolesSync,
    private readonly sweeper: RoleSweeper,
    private readonly locale: InteractionLocale,
    private readonly config: AppConfig,
  ) {}

  @Subcommand({ name: 'sync', ...describeCommand('commands.adminRolesSync') })
  async onSync(@Context() [interaction]: SlashCommandContext, @Options() { user }: RolesSyncOptions): Promise<void> {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const locale = this.locale.of(interaction);
    if (!user) {
      await interaction.editReply(buildSyncAllConfirm(locale, this.config.roleSync.maxRemovals));
      return;
    }
    const result = await this.sync.sync(user.id, 'staff_sync', interaction.user.id);
    await interaction.editReply(buildRolesSyncView(locale, `<@${user.id}>`, result));
  }

  @Subcommand({ name: 'audit', ...describeCommand('commands.adminRolesAudit') })
  async onAudit(@Context() [interaction]: SlashCommandContext): Promise<void> {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const locale = this.locale.of(interaction);
    const started = Date.now();
    let shown = started;
    const { scan, held } = await this.sweeper.audit((done, total) => {
      if (Date.now() - shown < PROGRESS_EVERY_MS) return;
      shown = Date.now();
      void interaction.editReply(buildAuditProgress(locale, done, total)).catch(() => undefined);
    }, started + REPLY_WINDOW_MS);
    const stopped = Date.now() > started + REPLY_WINDOW_MS ? Math.round(REPLY_WINDOW_MS / 60_000) : undefined;
    await interaction.editReply(buildAuditView(locale, scan, { stoppedAfterMinutes: stopped, held }));
  }
}

/**
 * The buttons of the full sync's confirmation and of the safety brake. Staff is checked again on each
 * click (StaffGuard); the brake's decision is claimed in the database, so it happens once.
 */
@AdminButtons()
@UseGuards(StaffGuard)
@Injectable()
export class RoleSweepButtons {
  constructor(
    private readonly sweeper: RoleSweeper,
    private readonly locale: InteractionLocale,
  ) {}

  @Button(SYNC_ALL_RUN)
  async onRun(@Context() [interaction]: ButtonContext): Promise<void> {
    await interaction.deferUpdate();
    const locale = this.locale.of(interaction);
    const clickedAt = Date.now();
    const { sweep, created } = await this.sweeper.request('staff', interaction.user.id, clickedAt);
    await interaction.editReply(
      buildSyncAllNote(
        locale,
        created ? 'roleSyncAll.started' : 'roleSyncAll.busy',
        sweep.started_at ?? sweep.created_at,
      ),
    );
    const deadline = clickedAt + REPLY_WINDOW_MS;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const now = await this.sweeper.sweep(sweep.id);
      const summary = now && now.state !== 'requested' && now.state !== 'running' ? summaryOf(now) : undefined;
      if (summary) {
        await interaction.editReply(buildSweepSummaryView(locale, summary));
        return;
      }
      if (Date.now() > deadline) {
        await interaction.editReply(buildSyncAllNote(locale, 'roleSyncAll.stillRunning'));
        return;
      }
    }
  }

  @Button(SYNC_ALL_CANCEL)
  async onCancel(@Context() [interaction]: ButtonContext): Promise<void> {
    await interaction.update(buildSyncAllNote(this.locale.of(interaction), 'roleSyncAll.cancelled'));
  }

  @Button(BRAKE_APPLY_PATTERN)
  onApply(@Context() [interaction]: ButtonContext, @ComponentParam('id') id: string): Promise<void> {
    return this.decide(interaction, 'apply', id);
  }

  @Button(BRAKE_DISMISS_PATTERN)
  onDismiss(@Context() [interaction]: ButtonContext, @ComponentParam('id') id: string): Promise<void> {
    return this.decide(interaction, 'dismiss', id);
  }

  private async decide(interaction: ButtonInteraction, action: 'apply' | 'dismiss', id: string): Promise<void> {
    // Acknowledge first: Apply re-reads every held member's subscription, which takes longer than 3 s.
    await interaction.deferUpdate();
    const locale = this.locale.of(interaction);
    const outcome = await this.sweeper.decide(id, action, interaction.user.id);
    if (outcome.kind === 'already') {
      await interaction.followUp({ content: alreadyDecidedText(locale, outcome.sweep), flags: MessageFlags.Ephemeral });
      return;
    }
    await interaction.editReply(buildBrakeDecidedMessage(locale, outcome.decision));
  }
}
