import type { Logger } from '@nestjs/common';

/** The longest a loop waits between two claims while the store keeps failing. */
const MAX_BACKOFF_MS = 10_000;

export interface ClaimLoopOptions<T> {
  /** What the loop works on, in its log lines. */
  name: string;
  /** Items worked on at the same time. */
  concurrency: number;
  /** How often the store is looked at when nothing pokes the loop. */
  pollMs: number;
  /** Takes up to `limit` due items for this process (claimed with a lease, so no other worker holds them). */
  claim(limit: number): Promise<T[]>;
  /** Works one item to its end. */
  work(item: T): Promise<void>;
  /** While this says so, nothing is claimed (the work can wait: Discord's invalid-request budget is spent). */
  paused?: () => boolean;
  logger: Logger;
}

/**
 * The loop of a database-backed worker: claim due items up to a bound, work each, claim again as soon as one
 * ends or new work is written (poke), else every `pollMs`. Claims are the store's (leases), so workers in
 * several replicas share one table safely. The durable queue's workers and the role converger run on it.
 */
export class ClaimLoop<T> {
  private inFlight = 0;
  private running = false;
  private passing = false;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly idle = new Set<() => void>();
  /** Claims that failed in a row (the store is down): the loop waits longer after each, and says so once. */
  private failures = 0;

  constructor(private readonly options: ClaimLoopOptions<T>) {}

  /** Items being worked on now in this process. */
  get busy(): number {
    return this.inFlight;
  }

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.poke();
  }

  /** Stops claiming, and waits (at most `timeoutMs`) for the work under way. */
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

  /** Works an item claimed outside the loop (the request path's own claim), counted like the loop's own. */
  run(item: T): void {
    void this.track(item);
  }

  private async pass(): Promise<void> {
    if (!this.running) return;
    this.passing = true;
    const { concurrency } = this.options;
    try {
      if (this.options.paused?.()) return;
      do {
        this.again = false;
        const items = await this.options.claim(concurrency - this.inFlight);
        for (const item of items) this.run(item);
        if (items.length > 0 && this.inFlight < concurrency) this.again = true;
      } while (this.again && this.running && this.inFlight < concurrency);
      if (this.failures > 0) this.options.logger.log(`${this.options.name}: claiming works again`);
      this.failures = 0;
    } catch (error) {
      if (this.failures === 0) {
        this.options.logger.warn(`${this.options.name}: claiming failed, backing off: ${(error as Error).message}`);
      }
      this.failures++;
    } finally {
      this.passing = false;
      if (this.running) this.timer = setTimeout(() => void this.pass(), this.delay());
    }
  }

  /** The next look at the store: every pollMs, or up to MAX_BACKOFF_MS apart while claims keep failing. */
  private delay(): number {
    if (this.failures === 0) return this.options.pollMs;
    return Math.min(MAX_BACKOFF_MS, this.options.pollMs * 2 ** Math.min(this.failures, 16));
  }

  private async track(item: T): Promise<void> {
    this.inFlight++;
    try {
      await this.options.work(item);
    } catch (error) {
      this.options.logger.warn(`${this.options.name}: ${(error as Error).message}`);
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
