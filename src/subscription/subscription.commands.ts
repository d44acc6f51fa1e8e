import { Injectable, UseGuards } from '@nestjs/common';
import { MessageFlags, type APIInteractionGuildMember, type GuildMember } from 'discord.js';
import { Context, Options, SlashCommand, Subcommand, type SlashCommandContext } from 'necord';
import { AppConfig } from '../config/app-config';
import { AdminCommand } from '../discord/admin-command';
import { describeCommand } from '../discord/command-text';
import { EVERYWHERE, MemberCommand } from '../discord/member-command';
import { InteractionLocale } from '../discord/interaction-locale';
import { StaffGuard } from '../discord/staff.guard';
import { AdminSubscriptionOptions } from './dto/subscription-command.options';
import { SubscriptionService } from './subscription.service';
import { buildSubscriptionView } from './subscription.view';

/** The role ids an interaction's member holds, whether discord.js built a GuildMember or kept the raw member. */
function memberRoleIds(member: GuildMember | APIInteractionGuildMember | null): string[] | undefined {
  if (!member) return undefined;
  return Array.isArray(member.roles) ? member.roles : [...member.roles.cache.keys()];
}

/** `/subscription`: the caller's own subscription, privately, wherever the bot is reachable. */
@MemberCommand()
@Injectable()
export class SubscriptionCommands {
  constructor(
    private readonly subscriptions: SubscriptionService,
    private readonly locale: InteractionLocale,
    private readonly config: AppConfig,
  ) {}

  @SlashCommand({
    name: 'subscription',
    ...describeCommand('commands.subscription'),
    ...EVERYWHERE,
  })
  async onSubscription(@Context() [interaction]: SlashCommandContext): Promise<void> {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const inModdy = interaction.inGuild() && interaction.guildId === this.config.guildId;
    const { subscription, premiumRole } = await this.subscriptions.overviewOf(
      interaction.user.id,
      inModdy ? memberRoleIds(interaction.member) : undefined,
    );
    await interaction.editReply(
      buildSubscriptionView(this.locale.of(interaction), subscription, {
        billingUrl: this.config.billingUrl,
        premiumRole,
      }),
    );
  }
}

/** `/admin subscription user`: the same view about another member, for staff. */
@AdminCommand()
@UseGuards(StaffGuard)
@Injectable()
export class AdminSubscriptionCommands {
  constructor(
    private readonly subscriptions: SubscriptionService,
    private readonly locale: InteractionLocale,
  ) {}

  @Subcommand({ name: 'subscription', ...describeCommand('commands.adminSubscription') })
  async onAdminSubscription(
    @Context() [interaction]: SlashCommandContext,
    @Options() { user }: AdminSubscriptionOptions,
  ): Promise<void> {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const subscription = await this.subscriptions.subscriptionOf(user.id);
    await interaction.editReply(
      buildSubscriptionView(this.locale.of(interaction), subscription, { subjectMention: `<@${user.id}>` }),
    );
  }
}
