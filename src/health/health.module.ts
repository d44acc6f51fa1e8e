import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { BackendModule } from '../backend/backend.module';
import { InternalApiModule } from '../common/guards/internal-api.module';
import { StorageModule } from '../storage/storage.module';
import { BackendHealthClient } from './backend-health.client';
import { BackendHealthIndicator } from './backend.health';
import { DiscordHealthIndicator } from './discord.health';
import { HealthController } from './health.controller';
import { InternalHealthController } from './internal-health.controller';
import { StoreHealthIndicator } from './store.health';

@Module({
  imports: [
    StorageModule,
    BackendModule,
    InternalApiModule,
    TerminusModule.forRoot({ gracefulShutdownTimeoutMs: 0, logger: false }),
  ],
  controllers: [HealthController, InternalHealthController],
  providers: [DiscordHealthIndicator, StoreHealthIndicator, BackendHealthIndicator, BackendHealthClient],
})
export class HealthModule {}
