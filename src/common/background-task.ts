import type { Logger } from '@nestjs/common';

/**
 * Runs `task` every `ms` in the background: unref'd, so it never keeps the process up, and a failure is a
 * warning in the log, never an unhandled rejection. Stop it with clearInterval.
 */
export function runEvery(ms: number, what: string, logger: Logger, task: () => Promise<void>): NodeJS.Timeout {
  const timer = setInterval(() => {
    task().catch((error: unknown) => logger.warn(`${what} failed: ${(error as Error).message}`));
  }, ms);
  timer.unref();
  return timer;
}
