import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { Logger, type INestApplication } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import { loadConfig, type AppConfig } from './config/app-config';
import { ConfigError } from './config/env.validation';
import { StartFailure, startContextOf, startStep } from './config/start-failure';
import { createApp } from './http-app';
import { createRootLogger } from './observability/logging';
import { serviceVersion } from './version';

function configOrExit(): AppConfig {
  // A local .env is a convenience for development; platforms set real environment variables.
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    return loadConfig(process.env, serviceVersion());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // One line per bad or missing variable; values of secrets are never printed.
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

/** SIGTERM/SIGINT: stop accepting, finish in-flight requests, close Discord and the store, exit 0. */
function exitGracefullyOn(app: INestApplication, logger: Logger): void {
  let closing = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (closing) return;
      closing = true;
      logger.log(`${signal} received, shutting down`);
      app
        .close()
        .then(() => process.exit(0))
        .catch((error: unknown) => {
          logger.error(error instanceof Error ? error.stack : String(error));
          process.exit(1);
        });
    });
  }
}

/**
 * A failed start: one fatal line naming the cause, in the configured log format, written out before the exit
 * (the log stream is asynchronous, and process.exit would drop what is still pending).
 */
function exitOnStartFailure(rootLogger: PinoLogger, error: unknown): void {
  const cause = error instanceof StartFailure ? error.message : String(error).split('\n')[0];
  rootLogger.debug({ err: error }, 'Start failure details');
  rootLogger.fatal(`Start failed: ${cause}`);
  const exit = () => process.exit(1);
  setTimeout(exit, 2000).unref();
  rootLogger.flush(exit);
}

async function bootstrap(): Promise<void> {
  const config = configOrExit();
  const rootLogger = await createRootLogger(config);
  const logger = new Logger('Bootstrap');
  const context = startContextOf(config);
  try {
    // Opening the store happens in here (StorageModule); its failure arrives as a StartFailure.
    const app = await createApp(config, { rootLogger });
    exitGracefullyOn(app, logger);
    // init() runs the bootstrap hooks, where necord logs in to the gateway: the port opens once Discord's READY
    // came (guilds keep streaming in after it). Kept that way on purpose: in the benchmark the login is ~0.1 s of
    // a ~1 s start (loading the modules is ~0.8 s), opening the port earlier would mean taking the login away
    // from necord's bootstrap hook, and the platform's health check (/health/ready) waits for the gateway anyway.
    await startStep('discord', context, () => app.init());
    await startStep('listen', context, () => app.listen(config.internalApi.port, config.internalApi.host));
    // uptimeMs: since the process started, so a slow boot shows in the logs of every deploy.
    logger.log({
      message: `Internal API listening on [${config.internalApi.host}]:${config.internalApi.port}`,
      uptimeMs: Math.round(performance.now()),
    });
  } catch (error) {
    exitOnStartFailure(rootLogger, error);
  }
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`Start failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
