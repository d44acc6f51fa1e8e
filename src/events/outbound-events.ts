import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { BackendError } from '../backend/backend.errors';
import type { CommandUsageSink } from '../observability/command-usage';
import { DatabaseService } from '../storage/database.service';
import { DurableQueue, type FinalState, type Job, type QueuePolicy } from '../storage/durable-queue';
import { QueueWorker, type DeliveryHandler, type DeliveryResult } from '../storage/queue-worker';
import type { OutboundEventTable, OutboundEventType } from '../storage/tables';
import { WORKER_ID } from '../storage/worker-id';
import { EventsClient } from './events.client';

const EVENT_QUEUE: QueuePolicy = { leaseMs: 20_000, maxAttempts: 10, baseDelayMs: 5_000, maxDelayMs: 30 * 60_000 };

/** Each event type and its metadata (null: none): the outbound events' job map. */
export type EventJobs = Record<OutboundEventType, Record<string, unknown> | null>;

/**
 * Discord events for the backend's analytics (`POST /internal/event/notify`), sent through the durable
 * queue: recording one is a single insert, so a slow or down backend never slows a command or a join.
 */
@Injectable()
export class OutboundEvents
  implements DeliveryHandler<EventJobs, OutboundEventTable>, OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(OutboundEvents.name);
  readonly queue: DurableQueue<EventJobs, OutboundEventTable>;
  private readonly worker: QueueWorker<EventJobs, OutboundEventTable>;

  constructor(
    private readonly database: DatabaseService,
    private readonly client: EventsClient,
  ) {
    this.queue = new DurableQueue<EventJobs, OutboundEventTable>(database, {
      table: 'outbound_events',
      idPrefix: 'e',
      policy: EVENT_QUEUE,
      dedupWindowMs: 0,
      columns: () => ({}),
    });
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
  record(eventType: OutboundEventType, discordId: string, metadata: Record<string, unknown> | null): void {
    this.queue
      .enqueue({ kind: eventType, discordId, payload: metadata })
      .then(() => this.worker.poke())
      .catch((error: unknown) => this.logger.error(`Could not queue ${eventType} event: ${(error as Error).message}`));
  }

  /** A finished slash command, as `command_used` (the telemetry reports them; see COMMAND_USAGE). */
  commandUsed(discordId: string, usage: Parameters<CommandUsageSink['commandUsed']>[1]): void {
    this.record('command_used', discordId, usage);
  }

  /** The member's latest `command_used` events, newest first (the support desk's history). */
  commandsUsedBy(discordId: string, limit: number): Promise<Pick<OutboundEventTable, 'payload' | 'created_at'>[]> {
    return this.database.db
      .selectFrom('outbound_events')
      .select(['payload', 'created_at'])
      .where('discord_id', '=', discordId)
      .where('kind', '=', 'command_used')
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
  }

  async deliver(job: Job<EventJobs, OutboundEventTable>): Promise<DeliveryResult<FinalState<OutboundEventTable>>> {
    try {
      await this.client.notify(job.kind, job.discord_id, job.data);
      return { final: 'sent' };
    } catch (error) {
      if (error instanceof BackendError && !error.retryable) return { final: 'failed', error: error.message };
      return { retry: (error as Error).message };
    }
  }
}
