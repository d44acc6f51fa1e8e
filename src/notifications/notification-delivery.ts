import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { RESTPostAPIChannelMessageJSONBody } from 'discord.js';
import { AppConfig } from '../config/app-config';
import { classifyDiscordError, discordErrorCode } from '../discord/discord-errors';
import { DiscordRestService } from '../discord/discord-rest.service';
import type { InvoiceInfo } from '../invoices/dto/invoice-info.dto';
import { MemberProfiles } from '../members/member-profiles.service';
import { QueueWorker, type DeliveryHandler, type DeliveryResult } from '../storage/queue-worker';
import type { NotificationTable } from '../storage/tables';
import type { NotifyAction } from './dto/notify-user.request';
import { buildInvoiceDm, type InvoiceEvent } from './invoice-dm';
import { NotificationInbox } from './notification-inbox';
import { buildNotifyDm } from './notify-dm';

/** What a stored notification's DM is built from: no personal data. */
export type NotificationPayload =
  | { kind: 'subscription'; action: NotifyAction; plan: string | null; metadata: Record<string, unknown> }
  | {
      kind: 'invoice';
      event: InvoiceEvent;
      invoice: Pick<InvoiceInfo, 'amount' | 'currency' | 'created' | 'invoice_pdf'>;
    };

/** This process's name as a queue owner: unique per process, readable in the table. */
export const WORKER_ID = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

/**
 * Delivers the billing inbox by DM: the first attempt right away on the request path, the rest from the
 * queue worker. Each DM carries the notification id as an enforced nonce, so a delivery repeated after a
 * crash (between Discord's answer and our record of it) is recognised by Discord and not posted twice.
 */
@Injectable()
export class NotificationDelivery
  implements DeliveryHandler<NotificationTable>, OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(NotificationDelivery.name);
  readonly worker: QueueWorker<NotificationTable>;

  constructor(
    private readonly inbox: NotificationInbox,
    private readonly discord: DiscordRestService,
    private readonly profiles: MemberProfiles,
    private readonly config: AppConfig,
  ) {
    this.worker = new QueueWorker(
      inbox.queue,
      this,
      WORKER_ID,
      { concurrency: 16, pollMs: 500, attemptTimeoutMs: 8_000 },
      this.logger,
    );
  }

  onApplicationBootstrap(): void {
    this.worker.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }

  async deliver(row: NotificationTable, signal: AbortSignal): Promise<DeliveryResult> {
    const locale = await this.profiles.localeOf(row.discord_id);
    const payload = JSON.parse(row.payload) as NotificationPayload;
    const message: RESTPostAPIChannelMessageJSONBody =
      payload.kind === 'subscription'
        ? buildNotifyDm(locale, payload)
        : buildInvoiceDm(locale, payload.event, payload.invoice, this.config.billingUrl);
    try {
      await this.discord.sendDm(row.discord_id, { ...message, nonce: row.id, enforce_nonce: true }, { signal });
      return { final: 'sent' };
    } catch (error) {
      const kind = classifyDiscordError(error);
      const code = discordErrorCode(error);
      switch (kind) {
        case 'dm_closed':
          return { final: 'dm_closed' };
        case 'unknown_user':
          return { final: 'unknown_user' };
        case 'transient':
          return { retry: `${kind} (${code ?? (error as Error).name})` };
        default:
          this.logger.error(`DM ${row.id} to ${row.discord_id} refused by Discord (${kind}, code ${code ?? 'none'})`);
          return { final: 'failed', error: `${kind} ${code ?? ''}`.trim() };
      }
    }
  }
}
