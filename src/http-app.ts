import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { AppModule } from './app.module';
import type { AppConfig } from './config/app-config';

/** The contract's limit for an internal request body. */
export const BODY_LIMIT_BYTES = 64 * 1024;

/** Only JSON is accepted on POST: without its text parser Fastify answers 415 for text bodies too. */
function acceptJsonOnly(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser('text/plain');
}

/** Builds the Nest application on Fastify, with the body limits and error shapes of the contract. */
export async function createApp(config: AppConfig, options: { logger?: false } = {}): Promise<INestApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES, trustProxy: true });
  acceptJsonOnly(adapter.getInstance());
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    rawBody: true,
    bufferLogs: true,
    ...(options.logger === false ? { logger: false } : {}),
  });
  // Shutdown hooks run on app.close(); main.ts calls it on SIGTERM and then exits 0.
  return app;
}
