import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { RESTPostAPIChannelMessageJSONBody } from 'discord.js';
import { INSTANCE_ID } from '../common/instance-id';
import { AppConfig, type SupportedLocale } from '../config/app-config';
import { classifyDiscordError, discordErrorCode } from '../discord/discord-errors';
import { DiscordRestService } from '../discord/discord-rest.service';
import type { InvoiceInfo } from '../invoices/dto/invoice-info.dto';
import { MemberProfiles } from '../members/member-profiles.service';
import { Metrics, notificationOutcomeOf } from '../observability/metrics.service';
import { QueueWorker, type DeliveryHandler, type DeliveryResult } from '../storage/queue-worker';
import type { NotificationTable } from '../storage/tables';
import type { NotifyAction } from './dto/notify-user.request';
import { buildInvoiceDm, type InvoiceEvent } from './invoice-dm';
import { NotificationInbox } from './notification-inbox';
import { buildNotifyDm } from './notify-dm';

/** What a stored notification's DM is built from (no personal data), for the kinds this module owns. */
export interface SubscriptionPayload {
  kind: 'subscription';
  action: NotifyAction;
  plan: string | null;
  metadata: Record<string, unknown>;
}
export interface InvoicePayload {
  kind: 'invoice';
  event: InvoiceEvent;
  invoice: Pick<InvoiceInfo, 'amount' | 'currency' | 'created' | 'invoice_pdf'>;
}
export interface NotificationPayload {
  kind: string;
}

/** Builds the DM of one kind of notification from its stored payload, in the reader's language. */
export type DmRenderer = (locale: SupportedLocale, payload: NotificationPayload) => RESTPostAPIChannelMessageJSONBody;

/** This process's name as a queue owner. */
export const WORKER_ID = INSTANCE_ID;

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
  private readonly renderers = new Map<string, DmRenderer>();

  constructor(
    private readonly inbox: NotificationInbox,
    private readonly discord: DiscordRestService,
    private readonly profiles: MemberProfiles,
    private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {
    this.worker = new QueueWorker(
      inbox.queue,
      this,
      WORKER_ID,
      { concurrency: 16, pollMs: 500, attemptTimeoutMs: 8_000 },
      this.logger,
    );
    this.registerRenderer('subscription', (locale, payload) => buildNotifyDm(locale, payload as SubscriptionPayload));
    this.registerRenderer('invoice', (locale, payload) => {
      const { event, invoice } = payload as InvoicePayload;
      return buildInvoiceDm(locale, event, invoice, this.config.billingUrl);
    });
  }

  /**
   * Lets a feature send its own kind of DM through the billing inbox (refunds do): it gets the same
   * durable, de-duplicated delivery and shows in /notifications. Register before the application boots.
   */
  registerRenderer(kind: string, render: DmRenderer): void {
    this.renderers.set(kind, render);
  }

  /** The DM a stored notification stands for, or undefined for a kind nobody registered. */
  render(
    locale: SupportedLocale,
    row: Pick<NotificationTable, 'payload'>,
  ): RESTPostAPIChannelMessageJSONBody | undefined {
    const payload = JSON.parse(row.payload) as NotificationPayload;
    return this.renderers.get(payload.kind)?.(locale, payload);
  }

  /** Final outcomes of the worker's attempts (the request path counts its own; a retry is no outcome). */
  settled(_row: NotificationTable, state: string): void {
    if (state !== 'pending') this.metrics.notificationOutcome(notificationOutcomeOf(state));
  }

  onApplicationBootstrap(): void {
    this.worker.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }

  async deliver(row: NotificationTable, signal: AbortSignal): Promise<DeliveryResult> {
    const locale = await this.profiles.localeOf(row.discord_id);
    const message = this.render(locale, row);
    if (!message) {
      this.logger.error(`Notification ${row.id} has a kind nobody renders (${row.kind})`);
      return { final: 'failed', error: `no renderer for ${row.kind}` };
    }
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
