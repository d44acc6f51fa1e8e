import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { classifyDiscordError, discordErrorCode } from '../discord/discord-errors';
import { DiscordRestService } from '../discord/discord-rest.service';
import type { NotifyUserRequest } from './dto/notify-user.request';
import { buildNotifyDm } from './notify-dm';

/** Contract InternalNotifyUserResponse. */
export interface NotifyUserResponse {
  success: boolean;
  message: string;
  notification_sent: boolean;
  queued?: boolean;
}

/** Outcome messages for the backend's logs (not shown to Discord users, so not localized). */
export const NOTIFY_MESSAGES = {
  sent: 'Notification sent',
  closed: 'User found but DM failed',
  unknownUser: 'Discord user not found',
  failed: 'Discord is unavailable, notification not sent',
} as const;

/** The backend times out at 10 s; the DM attempt gets at most this much of it. */
export const DM_BUDGET_MS = 4000;

@Injectable()
export class NotificationsService {
  private readonly logger = new Logger(NotificationsService.name);

  constructor(
    private readonly discord: DiscordRestService,
    private readonly config: AppConfig,
  ) {}

  /** Sends the localized DM for a subscription event and reports the outcome in the contract's words. */
  async notifyUser(request: NotifyUserRequest): Promise<NotifyUserResponse> {
    const locale = this.config.defaultLocale;
    const body = buildNotifyDm(locale, request);
    try {
      const channelId = await this.discord.openDm(request.discord_id, { timeoutMs: DM_BUDGET_MS });
      await this.discord.sendMessage(channelId, body, { timeoutMs: DM_BUDGET_MS });
      return { success: true, message: NOTIFY_MESSAGES.sent, notification_sent: true };
    } catch (error) {
      const kind = classifyDiscordError(error);
      switch (kind) {
        case 'dm_closed':
          return { success: true, message: NOTIFY_MESSAGES.closed, notification_sent: false };
        case 'unknown_user':
          return { success: false, message: NOTIFY_MESSAGES.unknownUser, notification_sent: false };
        default:
          this.logger.warn(`DM to ${request.discord_id} failed (${kind}, code ${discordErrorCode(error) ?? 'none'})`);
          return { success: false, message: NOTIFY_MESSAGES.failed, notification_sent: false };
      }
    }
  }
}
