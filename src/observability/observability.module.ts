import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import type { Logger as PinoLogger } from 'pino';
import { AppConfig } from '../config/app-config';
import { createRootLogger } from './logging';
import { MetricsTokenGuard } from './metrics-token.guard';
import { MetricsController } from './metrics.controller';
import { MetricsModule } from './metrics.module';
import { QueueMetrics } from './queue.metrics';

/** The root logger Fastify was built with (createApp), so Nest's lines and request lines share one stream. */
function fastifyLogger(host: HttpAdapterHost): PinoLogger | undefined {
  const log = host.httpAdapter?.getInstance<{ log?: unknown } | undefined>()?.log;
  // Fastify without a logger has a no-op stand-in; only a real pino logger has `levels`.
  return typeof log === 'object' && log !== null && 'levels' in log ? (log as PinoLogger) : undefined;
}

/**
 * Logs (nestjs-pino over the root pino logger: Nest's Logger lines carry the request id inside a request),
 * metrics (GET /metrics) and the queue's gauges. The interaction and gateway telemetry are Discord's (DiscordModule).
 */
@Module({
  imports: [
    MetricsModule,
    LoggerModule.forRootAsync({
      inject: [AppConfig, HttpAdapterHost],
      useFactory: async (config: AppConfig, host: HttpAdapterHost) => ({
        pinoHttp: { logger: fastifyLogger(host) ?? (await createRootLogger(config)) },
        // Fastify already gives each request a child logger with its id, and observeHttp binds it for
        // nestjs-pino (http-observability.ts): no middleware on any route.
        useExisting: true,
        forRoutes: [],
      }),
    }),
  ],
  controllers: [MetricsController],
  providers: [MetricsTokenGuard, QueueMetrics],
})
export class ObservabilityModule {
  /** `imports`: the module exporting QUEUE_STATS, named by the app root (observability imports no layer above it). */
  static forRoot({ imports = [] }: Pick<ModuleMetadata, 'imports'> = {}): DynamicModule {
    return { module: ObservabilityModule, imports };
  }
}
