import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DatabaseService } from '../storage/database.service';
import { DurableQueue, type FinalState, type Job, type QueuePolicy } from '../storage/durable-queue';
import { QueueWorker, type DeliveryHandler, type DeliveryResult } from '../storage/queue-worker';
import type { MemberCheckTable } from '../storage/tables';
import { WORKER_ID } from '../storage/worker-id';
import { BackendReadBudget } from './backend-budget';
import { RolesService } from './roles.service';
import { driftOf, TruthReader } from './truth-read';

/**
 * A failed read is tried again later, for as long as it takes (unknown is never "not entitled"): backoff up
 * to 10 minutes between tries.
 */
const CHECK_QUEUE: QueuePolicy = {
  // Longer than an attempt (below); a crashed attempt is taken up again this soon.
  leaseMs: 20_000,
  maxAttempts: Number.POSITIVE_INFINITY,
  baseDelayMs: 5_000,
  maxDelayMs: 10 * 60_000,
};
/** A member who joins, leaves and rejoins within this window is read once. */
const REJOIN_WINDOW_MS = 60_000;
/** Ended checks are kept this long (the support desk's history), then forgotten. */
const KEEP_ENDED_MS = 7 * 24 * 3_600_000;
const PURGE_EVERY_MS = 60 * 60_000;

export type MemberCheckJobs = { join: { guild_id: string } };

/**
 * Joins of members the role ledger never heard of (a member who paid before joining, whose callback was lost
 * or never sent): each gets one read of the truth, and their plan roles when entitled. The read is stored
 * before it is made and goes through the backend budget the sweep uses.
 */
@Injectable()
export class MemberChecks
  implements DeliveryHandler<MemberCheckJobs, MemberCheckTable>, OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(MemberChecks.name);
  private readonly queue: DurableQueue<MemberCheckJobs, MemberCheckTable>;
  private readonly worker: QueueWorker<MemberCheckJobs, MemberCheckTable>;
  private purging: NodeJS.Timeout | undefined;

  constructor(
    database: DatabaseService,
    private readonly truth: TruthReader,
    private readonly roles: RolesService,
    private readonly budget: BackendReadBudget,
  ) {
    this.queue = new DurableQueue<MemberCheckJobs, MemberCheckTable>(database, {
      table: 'member_checks',
      idPrefix: 'k',
      policy: CHECK_QUEUE,
      dedupWindowMs: REJOIN_WINDOW_MS,
      columns: () => ({}),
    });
    // Reads wait for the budget inside an attempt: the timeout covers that wait and a read with its retries.
    this.worker = new QueueWorker(
      this.queue,
      this,
      WORKER_ID,
      { concurrency: 2, pollMs: 2_000, attemptTimeoutMs: 15_000 },
      this.logger,
    );
  }

  onApplicationBootstrap(): void {
    this.worker.start();
    this.purging = setInterval(() => {
      this.queue.purgeEnded(KEEP_ENDED_MS).catch((e: Error) => this.logger.warn(`Purging checks failed: ${e.message}`));
    }, PURGE_EVERY_MS).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.purging);
    await this.worker.stop();
  }

  /** A member the ledger does not know joined: their truth is to be read (once per rejoin window). */
  async joined(guildId: string, discordId: string): Promise<void> {
    await this.queue.enqueue({
      kind: 'join',
      discordId,
      payload: { guild_id: guildId },
      dedupKey: `join:${guildId}:${discordId}`,
    });
    this.worker.poke();
  }

  async deliver(job: Job<MemberCheckJobs, MemberCheckTable>): Promise<DeliveryResult<FinalState<MemberCheckTable>>> {
    const guildId = job.data.guild_id;
    await this.budget.take();
    let read;
    try {
      read = await this.truth.read(guildId, job.discord_id);
    } catch (error) {
      return { retry: `truth read: ${(error as Error).message}` };
    }
    if (read.entitled.length === 0) return { final: 'done' };
    // A member who just joined holds no plan role (Discord drops them on leave); adding one held changes nothing.
    const { add } = driftOf(read.wanted, new Set());
    const stored = await this.roles.submit({
      guildId,
      discordId: job.discord_id,
      change: { add, remove: [] },
      source: 'join',
      plan: read.entitled[0].plan,
      occurredAt: read.readAt,
      basedOnVersion: read.basedOnVersion,
    });
    if ('answer' in stored && !stored.answer.success) return { final: 'failed', error: stored.answer.message };
    return { final: 'done' };
  }
}
