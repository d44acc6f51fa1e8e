import type { Logger } from '@nestjs/common';

/**
 * The details of a readiness check that went down, for the log: the open probe says only which check is down
 * (anyone can read it). Logged when the problem starts or changes, and when it is over, not at every poll.
 */
export class CheckLog {
  private problem: string | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly check: string,
  ) {}

  down(problem: string): void {
    if (problem !== this.problem) this.logger.warn(`Readiness check "${this.check}" is down: ${problem}`);
    this.problem = problem;
  }

  up(): void {
    if (this.problem !== undefined) this.logger.log(`Readiness check "${this.check}" is up again`);
    this.problem = undefined;
  }
}
