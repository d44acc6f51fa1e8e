import type { Logger } from '@nestjs/common';
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
}

/**
 * Delivers a DurableQueue's items with bounded concurrency: claim, deliver, settle, repeat. Several
 * workers (replicas) can share one table; the queue's atomic claims keep them from delivering one item twice.
 */
export class QueueWorker<Jobs extends JobMap<Jobs>, Row extends JobRow<Jobs>> {
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private passing = false;
  private again = false;
  private readonly idle = new Set<() => void>();

  constructor(
    private readonly queue: DurableQueue<Jobs, Row>,
    private readonly handler: DeliveryHandler<Jobs, Row>,
    readonly owner: string,
    private readonly options: WorkerOptions,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.poke();
  }

  /** Stops claiming, and waits (at most `timeoutMs`) for the deliveries under way. */
  async stop(timeoutMs = 5000): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.idle.add(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Looks for due items now (new work was just written). */
  poke(): void {
    if (!this.running) return;
    if (this.passing) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.pass(), 0);
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

  private async pass(): Promise<void> {
    if (!this.running) return;
    this.passing = true;
    try {
      do {
        this.again = false;
        const rows = await this.queue.claim(this.owner, this.options.concurrency - this.inFlight);
        const jobs = rows.map((row) => this.queue.read(row));
        if (jobs.length > 0) await this.prepare(jobs);
        for (const job of jobs) void this.run(job);
        if (rows.length > 0 && this.inFlight < this.options.concurrency) this.again = true;
      } while (this.again && this.running && this.inFlight < this.options.concurrency);
    } catch (error) {
      this.logger.warn(`${this.queue.table}: claiming failed: ${(error as Error).message}`);
    } finally {
      this.passing = false;
      if (this.running) this.timer = setTimeout(() => void this.pass(), this.options.pollMs);
    }
  }

  /** The handler's preparation of a batch; a failure only means each attempt finds what it needs itself. */
  private async prepare(jobs: Job<Jobs, Row>[]): Promise<void> {
    try {
      await this.handler.prepare?.(jobs);
    } catch (error) {
      this.logger.warn(`${this.queue.table}: preparing ${jobs.length} attempt(s) failed: ${(error as Error).message}`);
    }
  }

  private async run(row: Job<Jobs, Row>): Promise<void> {
    this.inFlight++;
    try {
      let result: DeliveryResult<FinalState<Row>>;
      try {
        result = await this.handler.deliver(row, AbortSignal.timeout(this.options.attemptTimeoutMs));
      } catch (error) {
        result = { retry: (error as Error).message };
      }
      const state = await this.settle(row, result);
      this.handler.settled?.(row, state);
    } catch (error) {
      this.logger.warn(`${this.queue.table} ${row.id}: settling failed: ${(error as Error).message}`);
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) {
        for (const resolve of this.idle) resolve();
        this.idle.clear();
      }
      this.poke();
    }
  }
}
