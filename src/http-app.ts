import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyInstance } from 'fastify';
import { AppModule } from './app.module';
import type { AppConfig } from './config/app-config';

/** The contract's limit for an internal request body. */
export const BODY_LIMIT_BYTES = 64 * 1024;

/**
 * Errors Fastify raises before a request reaches Nest (body parsing, size, content type) get the
 * contract's `{error}` shape and status: 400 malformed JSON, 413 too large, 415 not JSON.
 */
function installFastifyErrorShapes(fastify: FastifyInstance): void {
  // Only JSON is accepted on POST; without this parser Fastify itself answers 415 for text bodies.
  fastify.removeContentTypeParser('text/plain');
  fastify.setErrorHandler((error: FastifyError, _request, reply) => {
    const status = error.statusCode ?? 500;
    const messages: Record<number, string> = {
      400: 'Malformed JSON body',
      413: `Request body is larger than ${BODY_LIMIT_BYTES} bytes`,
      415: 'Content-Type must be application/json',
    };
    const message = messages[status] ?? (status < 500 ? error.message : 'Internal server error');
    void reply.status(status).send({ error: message });
  });
}

/** Builds the Nest application on Fastify, with the body limits and error shapes of the contract. */
export async function createApp(config: AppConfig, options: { logger?: false } = {}): Promise<INestApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES, trustProxy: true });
  installFastifyErrorShapes(adapter.getInstance());
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    rawBody: true,
    bufferLogs: true,
    ...(options.logger === false ? { logger: false } : {}),
  });
  app.enableShutdownHooks();
  return app;
}
