import { Injectable, Logger } from '@nestjs/common';
import type { APIEmbedField } from 'discord.js';
import { AppConfig } from '../config/app-config';
import { classifyDiscordError } from '../discord/discord-errors';
import { DiscordRestService } from '../discord/discord-rest.service';
import { fitMessage } from '../discord/message-limits';
import { discordTimestamp, planName } from '../discord/format';
import { translate, translator } from '../i18n/i18n';
import type { PremiumGrantTable, RoleSweepTable } from '../storage/tables';
import type { BrakeDecision, HeldRemoval } from './role-sweep.types';
import { buildBrakeDecidedMessage, buildBrakeMessage } from './brake-post.view';

export type GrantEvent = 'auditGranted' | 'auditRevoked' | 'auditExpired';

/** What staff must fix when Discord refuses to change a role: its Manage Roles, the bot's place, or unknown. */
export type RefusalHint = 'manage_roles' | 'above_bot' | 'unknown';

/**
 * What the role work posts to AUDIT_CHANNEL_ID (in DEFAULT_LOCALE): the safety brake's held removals and
 * their decision, and staff grants. Without a channel, or when Discord refuses, it goes to the log at warn
 * level: a post that cannot be made never stops the work it reports.
 */
@Injectable()
export class RoleAuditLog {
  private readonly logger = new Logger(RoleAuditLog.name);

  constructor(
    private readonly config: AppConfig,
    private readonly discord: DiscordRestService,
  ) {}

  /** Posts the held removals with their buttons; the message's id, when it was posted. */
  async postHeld(sweep: RoleSweepTable, held: HeldRemoval[]): Promise<{ channelId: string; messageId: string } | null> {
    const summary = `Role sweep ${sweep.id} holds back ${held.length} removals (more than ROLE_SYNC_MAX_REMOVALS=${this.config.roleSync.maxRemovals}); first: ${held
      .slice(0, 20)
      .map(
        (h) =>
          `${h.discordId} (${h.entitledTo.length === 0 ? 'not entitled' : `entitled to ${h.entitledTo.join('+')}`})`,
      )
      .join(', ')}`;
    const channelId = this.config.auditChannelId;
    if (!channelId) {
      this.logger.warn(`${summary}. Set AUDIT_CHANNEL_ID to decide from Discord, or use /admin roles audit.`);
      return null;
    }
    try {
      const body = buildBrakeMessage(this.config.defaultLocale, sweep, held, this.config.roleSync.maxRemovals);
      const message = await this.discord.sendMessage(channelId, body, { timeoutMs: 10_000 });
      return { channelId, messageId: message.id };
    } catch (error) {
      this.logger.warn(`${summary}. Posting to the audit channel failed (${classifyDiscordError(error)}).`);
      return null;
    }
  }

  /** Edits the brake's post to show the decision. */
  async editDecided(sweep: RoleSweepTable, decision: BrakeDecision): Promise<void> {
    if (!sweep.channel_id || !sweep.message_id) return;
    try {
      await this.discord.editMessage(
        sweep.channel_id,
        sweep.message_id,
        { ...buildBrakeDecidedMessage(this.config.defaultLocale, decision), allowed_mentions: { parse: [] } },
        { timeoutMs: 10_000 },
      );
    } catch (error) {
      this.logger.warn(`Could not edit the brake post of sweep ${sweep.id}: ${classifyDiscordError(error)}`);
    }
  }

  /** One post when Discord refuses to change a role (50013): what staff must fix, and that nothing is lost. */
  async roleRefused(roleId: string, name: string, hint: RefusalHint): Promise<void> {
    const locale = this.config.defaultLocale;
    const role = `<@&${roleId}>`;
    const fix =
      hint === 'manage_roles'
        ? translate(locale, 'roleRefused.manageRoles')
        : hint === 'above_bot'
          ? translate(locale, 'roleRefused.aboveBot', { role })
          : translate(locale, 'roleRefused.unknown');
    const channelId = this.config.auditChannelId;
    if (!channelId) return;
    try {
      await this.discord.sendMessage(
        channelId,
        fitMessage({
          embeds: [
            {
              title: translate(locale, 'roleRefused.title', { role: `@${name}` }).slice(0, 256),
              description: `${fix}\n\n${translate(locale, 'roleRefused.kept', { role })}`,
              color: 0xed4245,
            },
          ],
          allowed_mentions: { parse: [] },
        }),
        { timeoutMs: 10_000 },
      );
    } catch (error) {
      this.logger.warn(
        `Posting the refusal of role ${roleId} to the audit channel failed (${classifyDiscordError(error)})`,
      );
    }
  }

  /** One post per staff grant event: who, whom, which plan, until when, why. */
  async grant(event: GrantEvent, grant: PremiumGrantTable, staffId: string | null): Promise<void> {
    const locale = this.config.defaultLocale;
    const t = translator(locale);
    const line = `Staff grant ${event.replace('audit', '').toLowerCase()}: ${grant.plan} for ${grant.discord_id} until ${new Date(grant.expires_at).toISOString()} by ${staffId ?? 'expiry'}`;
    const channelId = this.config.auditChannelId;
    if (!channelId) {
      this.logger.log(line);
      return;
    }
    const fields: APIEmbedField[] = [
      { name: t('premiumGrant.member'), value: `<@${grant.discord_id}> (\`${grant.discord_id}\`)`, inline: true },
      { name: t('premiumGrant.staff'), value: staffId ? `<@${staffId}>` : '—', inline: true },
      { name: t('premiumGrant.plan'), value: planName(locale, grant.plan), inline: true },
      { name: t('premiumGrant.until'), value: discordTimestamp(new Date(grant.expires_at), 'D') ?? '—', inline: true },
      { name: t('premiumGrant.reason'), value: (grant.reason ?? t('premiumGrant.noReason')).slice(0, 1024) },
    ];
    try {
      await this.discord.sendMessage(
        channelId,
        fitMessage({
          embeds: [{ title: t(`premiumGrant.${event}`), fields, color: 0x5865f2 }],
          allowed_mentions: { parse: [] },
        }),
        { timeoutMs: 10_000 },
      );
    } catch (error) {
      this.logger.warn(`${line}; posting to the audit channel failed (${classifyDiscordError(error)})`);
    }
  }
}
