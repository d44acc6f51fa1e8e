import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { BackendModule } from './backend/backend.module';
import { HttpExceptionFilter } from './common/filters/http-exception.filter';
import { IdempotencyModule } from './common/idempotency/idempotency.module';
import { createValidationPipe } from './common/pipes/validation.pipe';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DiscordModule } from './discord/discord.module';
import { HealthModule } from './health/health.module';
import { NotificationsModule } from './notifications/notifications.module';
import { RolesModule } from './roles/roles.module';
import { StorageModule } from './storage/storage.module';

@Module({})
export class AppModule {
  /** The whole service, for a configuration already validated by loadConfig(). */
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        StorageModule,
        IdempotencyModule,
        BackendModule,
        DiscordModule,
        HealthModule,
        NotificationsModule,
        RolesModule,
      ],
      providers: [
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
      ],
    };
  }
}
