import type { INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { Logger, PinoLogger } from 'nestjs-pino';
import type { DestinationStream, Logger as RootLogger } from 'pino';
import { AppModule } from './app.module';
import type { AppConfig } from './config/app-config';
import { observeHttp } from './observability/http-observability';
import { answerProtocolRules, HTTP_LIMITS, refuseUnauthenticatedEarly } from './common/http/http-limits';
import { useJsonBodyParser } from './common/http/json-body';
import { createRootLogger, requestIdOf, RequestLogController } from './observability/logging';
import { Metrics } from './observability/metrics.service';
import { OpenApiDocument } from './openapi/openapi.service';

/** The contract's limit for an internal request body. */
const BODY_LIMIT_BYTES = 64 * 1024;

export interface CreateAppOptions {
  /** false: log nothing at all. */
  logger?: false;
  /** Where the JSON log lines go instead of stdout (tests capture them). */
  logDestination?: DestinationStream;
  /** The root logger to write through (main.ts makes it first, to report a failed start with it). */
  rootLogger?: RootLogger;
}

/**
 * Nest's logger from the first line of the boot, over the root logger. Nest's ExceptionHandler logs the stack
 * of a failed boot; main.ts reports that failure in one line, so the stack goes to debug.
 */
function bootLogger(rootLogger: RootLogger): LoggerService {
  const nest = new Logger(new PinoLogger({ pinoHttp: { logger: rootLogger } }), {});
  return {
    log: (message: unknown, ...rest: unknown[]) => nest.log(message, ...rest),
    warn: (message: unknown, ...rest: unknown[]) => nest.warn(message, ...rest),
    debug: (message: unknown, ...rest: unknown[]) => nest.debug(message, ...rest),
    verbose: (message: unknown, ...rest: unknown[]) => nest.verbose(message, ...rest),
    fatal: (message: unknown, ...rest: unknown[]) => nest.fatal(message, ...rest),
    error: (message: unknown, ...rest: unknown[]) =>
      rest.at(-1) === 'ExceptionHandler' ? nest.debug(message, ...rest) : nest.error(message, ...rest),
  };
}

/** Only JSON is accepted on POST: without its text parser Fastify answers 415 for text bodies too. */
function acceptJsonOnly(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser('text/plain');
}

/** Builds the Nest application on Fastify, with the body limits and error shapes of the contract. */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<INestApplication> {
  const rootLogger = options.rootLogger ?? (await createRootLogger(config, options.logDestination));
  if (options.logger === false) rootLogger.level = 'silent';
  const logController = new RequestLogController();
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    ...HTTP_LIMITS,
    trustProxy: true,
    loggerInstance: rootLogger,
    logController,
    // The caller's X-Request-Id when well-formed (checked in requestIdOf), else a new one.
    requestIdHeader: false,
    genReqId: requestIdOf,
  });
  acceptJsonOnly(adapter.getInstance());
  adapter.getInstance().addHook('onRoute', (route) => logController.knowRoute(route.url));
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    rawBody: true,
    logger: options.logger === false ? false : bootLogger(rootLogger),
    // A failed boot is thrown to the caller (main.ts names its cause), not ended by Nest on the spot.
    abortOnError: false,
  });
  useJsonBodyParser(app, BODY_LIMIT_BYTES);
  // GET /internal/openapi.json describes this very application (built on its first request).
  app.get(OpenApiDocument).describe(app);
  // Nest's own Logger (new Logger(X.name) everywhere) writes through pino, with the request context inside requests.
  if (options.logger !== false) app.useLogger(app.get(Logger));
  observeHttp(adapter.getInstance(), app.get(Metrics));
  // After observeHttp's hook, so a refused request has its request id and its log line too.
  refuseUnauthenticatedEarly(adapter.getInstance(), config.internalApi.secret);
  answerProtocolRules(adapter.getInstance(), config.internalApi.secret);
  // Shutdown hooks run on app.close(); main.ts calls it on SIGTERM and then exits 0.
  return app;
}
