import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { classifyDiscordError } from '../discord/discord-errors';
import { DiscordRestService } from '../discord/discord-rest.service';
import { fitMessage } from '../discord/message-limits';
import { translate } from '../i18n/i18n';
import type { NotificationTable } from '../storage/tables';

/** At most one post a minute: notifications that die together are summarised in one. */
const DEAD_POST_INTERVAL_MS = 60_000;
const LISTED = 10;

/**
 * Tells AUDIT_CHANNEL_ID when the queue gives up on a notification (it stays `dead` in the inbox and in
 * `/admin deliveries`, where staff can send it again). The post is a summary; the rows are the record.
 */
@Injectable()
export class DeadNotificationAudit implements OnApplicationShutdown {
  private readonly logger = new Logger(DeadNotificationAudit.name);
  private waiting: NotificationTable[] = [];
  private lastPostAt = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly discord: DiscordRestService,
  ) {}

  record(row: NotificationTable): void {
    if (!this.config.auditChannelId) return;
    this.waiting.push(row);
    if (this.timer) return;
    const wait = Math.max(0, this.lastPostAt + DEAD_POST_INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => void this.flush(), wait);
  }

  onApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    return this.flush();
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    const rows = this.waiting.splice(0);
    const channelId = this.config.auditChannelId;
    if (rows.length === 0 || !channelId) return;
    this.lastPostAt = Date.now();
    const locale = this.config.defaultLocale;
    const lines = rows.slice(0, LISTED).map((r) =>
      translate(locale, 'deliveries.auditDeadLine', {
        user: `<@${r.discord_id}>`,
        action: r.action,
        error: (r.last_error ?? '—').slice(0, 150),
      }),
    );
    if (rows.length > LISTED) lines.push(translate(locale, 'deliveries.auditMore', { count: rows.length - LISTED }));
    const content = [translate(locale, 'deliveries.auditDead', { count: rows.length }), ...lines].join('\n');
    try {
      await this.discord.sendMessage(channelId, fitMessage({ content, allowed_mentions: { parse: [] } }), {
        timeoutMs: 10_000,
      });
    } catch (error) {
      this.logger.warn(
        `Posting ${rows.length} dead notification(s) to the audit channel failed (${classifyDiscordError(error)})`,
      );
    }
  }
}
