import { Global, Module } from '@nestjs/common';
import { Metrics } from './metrics.service';

/** The one Metrics registry of the app. Global, and imported explicitly by modules that are also built alone. */
@Global()
@Module({ providers: [Metrics], exports: [Metrics] })
export class MetricsModule {}
