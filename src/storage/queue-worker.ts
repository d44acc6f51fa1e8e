import type { Logger } from '@nestjs/common';
import { ClaimLoop } from './claim-loop';
import type { DurableQueue, FinalState, Job, JobMap, JobRow } from './durable-queue';

/** What one delivery attempt came to. */
export type DeliveryResult<Final extends string = string> =
  /** Done, for good, in this final state (sent, dm_closed, ...). */
  | { final: Final; error?: string }
  /** Failed for now; worth another try after a backoff. */
  | { retry: string };

export interface DeliveryHandler<Jobs extends JobMap<Jobs>, Row extends JobRow<Jobs>> {
  deliver(job: Job<Jobs, Row>, signal: AbortSignal): Promise<DeliveryResult<FinalState<Row>>>;
  /** Called with each batch the worker claims, before their attempts: to read what they all need at once. */
  prepare?(jobs: Job<Jobs, Row>[]): Promise<void>;
  /** Told the state an attempt of the worker's ended in (final, `pending` again, or `dead`). */
  settled?(row: Row, state: Row['state']): void;
}

export interface WorkerOptions {
  /** Items delivered at the same time by this worker. */
  concurrency: number;
  /** How often the table is looked at when nothing pokes the worker. */
  pollMs: number;
  /** One attempt is abandoned after this long; must stay well under the queue's lease. */
  attemptTimeoutMs: number;
  /** While this says so, the worker claims nothing (see ClaimLoopOptions.paused). */
  paused?: () => boolean;
}

/**
 * Delivers a DurableQueue's items with bounded concurrency: claim, deliver, settle, repeat. Several
 * workers (replicas) can share one table; the queue's atomic claims keep them from delivering one item twice.
 */
export class QueueWorker<Jobs extends JobMap<Jobs>, Row extends JobRow<Jobs>> {
  private readonly loop: ClaimLoop<Job<Jobs, Row>>;

  constructor(
    private readonly queue: DurableQueue<Jobs, Row>,
    private readonly handler: DeliveryHandler<Jobs, Row>,
    readonly owner: string,
    private readonly options: WorkerOptions,
    private readonly logger: Logger,
  ) {
    this.loop = new ClaimLoop({
      name: queue.table,
      concurrency: options.concurrency,
      pollMs: options.pollMs,
      claim: async (limit) => {
        const jobs = (await queue.claim(owner, limit)).map((row) => queue.read(row));
        if (jobs.length > 0) await this.prepare(jobs);
        return jobs;
      },
      work: (job) => this.attempt(job),
      paused: options.paused,
      logger,
    });
  }

  start(): void {
    this.loop.start();
  }

  /** Stops claiming, and waits (at most `timeoutMs`) for the deliveries under way. */
  stop(timeoutMs = 5000): Promise<void> {
    return this.loop.stop(timeoutMs);
  }

  /** Looks for due items now (new work was just written). */
  poke(): void {
    this.loop.poke();
  }

  /**
   * Settles an attempt on an item this worker's owner holds (also one made on the request path).
   * `immediately`: the attempt was cut short by its caller, so the item is due again at once, uncounted.
   */
  async settle(
    row: Row,
    result: DeliveryResult<FinalState<Row>>,
    options: { immediately?: boolean } = {},
  ): Promise<Row['state']> {
    if ('final' in result) {
      const kept = await this.queue.finish(row.id, this.owner, result.final, Date.now(), result.error ?? null);
      if (!kept) this.logger.warn(`${this.queue.table} ${row.id}: lease lost before settling as ${result.final}`);
      return result.final;
    }
    const state = await this.queue.retry(row, this.owner, result.retry, options);
    if (state === 'dead') {
      this.logger.error(`${this.queue.table} ${row.id} is dead after ${row.attempts} attempts: ${result.retry}`);
    }
    return state;
  }

  /** The handler's preparation of a batch; a failure only means each attempt finds what it needs itself. */
  private async prepare(jobs: Job<Jobs, Row>[]): Promise<void> {
    try {
      await this.handler.prepare?.(jobs);
    } catch (error) {
      this.logger.warn(`${this.queue.table}: preparing ${jobs.length} attempt(s) failed: ${(error as Error).message}`);
    }
  }

  /** One attempt of the worker's, settled; a failure to settle leaves the item to its lease. */
  private async attempt(job: Job<Jobs, Row>): Promise<void> {
    let result: DeliveryResult<FinalState<Row>>;
    try {
      result = await this.handler.deliver(job, AbortSignal.timeout(this.options.attemptTimeoutMs));
    } catch (error) {
      result = { retry: (error as Error).message };
    }
    try {
      const state = await this.settle(job, result);
      this.handler.settled?.(job, state);
    } catch (error) {
      throw new Error(`${job.id}: settling failed: ${(error as Error).message}`);
    }
  }
}
