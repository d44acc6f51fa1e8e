import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { BackendError } from '../backend/backend.errors';
import type { CommandUsageSink } from '../observability/command-usage';
import { DatabaseService } from '../storage/database.service';
import { DurableQueue, newQueueItem, type QueuePolicy } from '../storage/durable-queue';
import { QueueWorker, type DeliveryHandler, type DeliveryResult } from '../storage/queue-worker';
import type { OutboundEventTable } from '../storage/tables';
import { EventsClient, type DiscordEventType } from './events.client';
import { WORKER_ID } from '../storage/worker-id';

const EVENT_QUEUE: QueuePolicy = { leaseMs: 20_000, maxAttempts: 10, baseDelayMs: 5_000, maxDelayMs: 30 * 60_000 };

/**
 * Discord events for the backend's analytics (`POST /internal/event/notify`), sent through the durable
 * queue: recording one is a single insert, so a slow or down backend never slows a command or a join.
 */
@Injectable()
export class OutboundEvents
  implements DeliveryHandler<OutboundEventTable>, OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(OutboundEvents.name);
  readonly queue: DurableQueue<OutboundEventTable>;
  private readonly worker: QueueWorker<OutboundEventTable>;

  constructor(
    private readonly database: DatabaseService,
    private readonly client: EventsClient,
  ) {
    this.queue = new DurableQueue<OutboundEventTable>(database, 'outbound_events', EVENT_QUEUE);
    this.worker = new QueueWorker(
      this.queue,
      this,
      WORKER_ID,
      { concurrency: 4, pollMs: 2_000, attemptTimeoutMs: 10_000 },
      this.logger,
    );
  }

  onApplicationBootstrap(): void {
    this.worker.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }

  /** Queues an event; never throws (an analytics event must not fail what it describes). */
  record(eventType: DiscordEventType, discordId: string, metadata: Record<string, unknown> | null): void {
    const now = Date.now();
    this.database.db
      .insertInto('outbound_events')
      .values({
        ...newQueueItem('e', now),
        event_type: eventType,
        discord_id: discordId,
        metadata: metadata === null ? null : JSON.stringify(metadata),
      })
      .execute()
      .then(() => this.worker.poke())
      .catch((error: unknown) => this.logger.error(`Could not queue ${eventType} event: ${(error as Error).message}`));
  }

  /** A finished slash command, as `command_used` (the telemetry reports them; see COMMAND_USAGE). */
  commandUsed(discordId: string, usage: Parameters<CommandUsageSink['commandUsed']>[1]): void {
    this.record('command_used', discordId, usage);
  }

  async deliver(row: OutboundEventTable): Promise<DeliveryResult> {
    try {
      const metadata = row.metadata === null ? null : (JSON.parse(row.metadata) as Record<string, unknown>);
      await this.client.notify(row.event_type as DiscordEventType, row.discord_id, metadata);
      return { final: 'sent' };
    } catch (error) {
      if (error instanceof BackendError && !error.retryable) return { final: 'failed', error: error.message };
      return { retry: (error as Error).message };
    }
  }
}
