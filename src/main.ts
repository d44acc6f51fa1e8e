import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError } from './config/env.validation';
import { loadConfig } from './config/app-config';
import { createApp } from './http-app';
import { serviceVersion } from './version';

async function bootstrap(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env, serviceVersion());
  } catch (error) {
    if (error instanceof ConfigError) {
      // One line per bad or missing variable; values of secrets are never printed.
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const app = await createApp(config);
  await app.listen(config.internalApi.port, config.internalApi.host);
  new Logger('Bootstrap').log(`Internal API listening on [${config.internalApi.host}]:${config.internalApi.port}`);
}

bootstrap().catch((error: unknown) => {
  new Logger('Bootstrap').error(error instanceof Error ? error.stack : String(error));
  process.exit(1);
});
