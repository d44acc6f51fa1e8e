import { Injectable, UseGuards } from '@nestjs/common';
import { MessageFlags } from 'discord.js';
import { Context, Options, Subcommand, type SlashCommandContext } from 'necord';
import { AdminCommand } from '../discord/admin-command';
import { describeCommand } from '../discord/command-text';
import { DiscordUserError } from '../discord/discord-user.error';
import { InteractionLocale } from '../discord/interaction-locale';
import { StaffGuard } from '../discord/staff.guard';
import { PremiumGrantOptions, PremiumRevokeOptions } from './dto/premium.options';
import { PremiumService } from './premium.service';
import { buildGrantedView, buildRevokedView } from './premium.view';

/** `/admin premium grant|revoke`: premium given on purpose (partners, giveaways), never swept away. */
@AdminCommand({ name: 'premium', ...describeCommand('commands.adminPremium') })
@UseGuards(StaffGuard)
@Injectable()
export class PremiumCommands {
  constructor(
    private readonly premium: PremiumService,
    private readonly locale: InteractionLocale,
  ) {}

  @Subcommand({ name: 'grant', ...describeCommand('commands.adminPremiumGrant') })
  async onGrant(
    @Context() [interaction]: SlashCommandContext,
    @Options() { user, plan, duration, reason }: PremiumGrantOptions,
  ): Promise<void> {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const result = await this.premium.grant({
      discordId: user.id,
      plan,
      duration,
      reason: reason ?? null,
      staffId: interaction.user.id,
    });
    if (result.kind === 'unknown_plan') {
      throw new DiscordUserError('premiumGrant.unknownPlan', {
        plan: plan.slice(0, 64),
        plans: result.plans.join(', '),
      });
    }
    if (result.kind === 'bad_duration') throw new DiscordUserError('premiumGrant.badDuration');
    await interaction.editReply(buildGrantedView(this.locale.of(interaction), `<@${user.id}>`, result));
  }

  @Subcommand({ name: 'revoke', ...describeCommand('commands.adminPremiumRevoke') })
  async onRevoke(
    @Context() [interaction]: SlashCommandContext,
    @Options() { user }: PremiumRevokeOptions,
  ): Promise<void> {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const result = await this.premium.revoke(user.id, interaction.user.id);
    if (result.kind === 'none') throw new DiscordUserError('premiumGrant.none', { user: `<@${user.id}>` });
    await interaction.editReply(buildRevokedView(this.locale.of(interaction), `<@${user.id}>`, result));
  }
}
