import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { AppModule } from '../../src/app.module';
import { loadConfig } from '../../src/config/app-config';
import { internalApiDocument, serializeDocument } from '../../src/openapi/openapi-document';

/** The command that writes the committed document again. */
export const GENERATE_COMMAND = 'npm run contract:generate';

/**
 * The document as `npm run contract:generate` writes it, built in memory from the code: the real AppModule in
 * Nest's preview mode (the module graph and every route's metadata, no provider instantiated), so it needs no
 * .env, no network, no Discord and no database. The placeholders below only satisfy the configuration's checks.
 */
export async function generateDocument(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'moddy-openapi-'));
  const config = loadConfig(
    {
      DISCORD_TOKEN: 'openapi-generation-placeholder-token',
      INTERNAL_API_SECRET: 'openapi-generation-placeholder-secret',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
    },
    '0.0.0-openapi',
  );
  const app = await NestFactory.create(AppModule.forRoot(config), new FastifyAdapter(), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    return serializeDocument(internalApiDocument(app));
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
