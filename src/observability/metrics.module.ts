import { Global, Module } from '@nestjs/common';
import { DiscordRequestBudget } from './discord-request-budget';
import { Metrics } from './metrics.service';

/**
 * The one Metrics registry of the app, and the count of Discord's invalid requests. Global: every layer counts
 * into the one registry, as prom-client's default registry is one per process. Modules also built alone (in
 * tests) import it explicitly.
 */
@Global()
@Module({ providers: [Metrics, DiscordRequestBudget], exports: [Metrics, DiscordRequestBudget] })
export class MetricsModule {}
