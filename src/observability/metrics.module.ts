import { Global, Module } from '@nestjs/common';
import { DiscordRequestBudget } from './discord-request-budget';
import { Metrics } from './metrics.service';

/**
 * The one Metrics registry of the app, and the count of Discord's invalid requests. Global, and imported
 * explicitly by modules that are also built alone.
 */
@Global()
@Module({ providers: [Metrics, DiscordRequestBudget], exports: [Metrics, DiscordRequestBudget] })
export class MetricsModule {}
