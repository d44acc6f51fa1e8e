import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { Logger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module';
import type { AppConfig } from './config/app-config';
import { observeHttp } from './observability/http-observability';
import { createRootLogger, requestIdOf, RequestLogController } from './observability/logging';
import { Metrics } from './observability/metrics.service';

/** The contract's limit for an internal request body. */
export const BODY_LIMIT_BYTES = 64 * 1024;

export interface CreateAppOptions {
  /** false: log nothing at all. */
  logger?: false;
  /** Where the JSON log lines go instead of stdout (tests capture them). */
  logDestination?: DestinationStream;
}

/** Only JSON is accepted on POST: without its text parser Fastify answers 415 for text bodies too. */
function acceptJsonOnly(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser('text/plain');
}

/** Builds the Nest application on Fastify, with the body limits and error shapes of the contract. */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<INestApplication> {
  const rootLogger = await createRootLogger(config, options.logDestination);
  if (options.logger === false) rootLogger.level = 'silent';
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: true,
    loggerInstance: rootLogger,
    logController: new RequestLogController(),
    // The caller's X-Request-Id when well-formed (checked in requestIdOf), else a new one.
    requestIdHeader: false,
    genReqId: requestIdOf,
  });
  acceptJsonOnly(adapter.getInstance());
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    rawBody: true,
    bufferLogs: true,
    ...(options.logger === false ? { logger: false } : {}),
  });
  // Nest's own Logger (new Logger(X.name) everywhere) now writes through pino; buffered boot lines flush here.
  if (options.logger !== false) app.useLogger(app.get(Logger));
  observeHttp(adapter.getInstance(), app.get(Metrics));
  // Shutdown hooks run on app.close(); main.ts calls it on SIGTERM and then exits 0.
  return app;
}
