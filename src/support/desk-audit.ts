import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { classifyDiscordError } from '../discord/discord-errors';
import { DiscordRestService } from '../discord/discord-rest.service';
import { fitMessage } from '../discord/message-limits';
import { translator } from '../i18n/i18n';

export type DeskAction = 'resync' | 'retry';

/** Every action taken from the support desk, posted to AUDIT_CHANNEL_ID (and logged): who, when, what. */
@Injectable()
export class DeskAudit {
  private readonly logger = new Logger(DeskAudit.name);

  constructor(
    private readonly config: AppConfig,
    private readonly discord: DiscordRestService,
  ) {}

  async record(action: DeskAction, staffId: string, memberId: string, result: string): Promise<void> {
    this.logger.log({
      message: `Staff action ${action} by ${staffId} on ${memberId}: ${result}`,
      action,
      staffId,
      memberId,
    });
    const channelId = this.config.auditChannelId;
    if (!channelId) return;
    const locale = this.config.defaultLocale;
    const t = translator(locale);
    try {
      await this.discord.sendMessage(
        channelId,
        fitMessage({
          embeds: [
            {
              title: t('memberDesk.auditTitle'),
              color: 0x5865f2,
              timestamp: new Date().toISOString(),
              fields: [
                { name: t('memberDesk.auditStaff'), value: `<@${staffId}>`, inline: true },
                { name: t('memberDesk.auditMember'), value: `<@${memberId}> (\`${memberId}\`)`, inline: true },
                { name: t('memberDesk.auditAction'), value: t(`memberDesk.action.${action}`), inline: true },
                { name: t('memberDesk.auditResult'), value: result.slice(0, 1024) || '—' },
              ],
            },
          ],
          allowed_mentions: { parse: [] },
        }),
        { timeoutMs: 10_000 },
      );
    } catch (error) {
      this.logger.warn(`Posting the staff action to the audit channel failed (${classifyDiscordError(error)})`);
    }
  }
}
