import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { HttpExceptionFilter } from './common/filters/http-exception.filter';
import { createValidationPipe } from './common/pipes/validation.pipe';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { AppExceptionFilter } from './discord/app-exception.filter';
import { DiscordExceptionFilter } from './discord/discord-exception.filter';
import { DiscordModule } from './discord/discord.module';
import { DmModule } from './dm/dm.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { InvoicesModule } from './invoices/invoices.module';
import { NotificationsModule } from './notifications/notifications.module';
import { ObservabilityModule } from './observability/observability.module';
import { OpenApiModule } from './openapi/openapi.module';
import { RefundsModule } from './refunds/refunds.module';
import { RolesModule } from './roles/roles.module';
import { SubscriptionModule } from './subscription/subscription.module';
import { SupportModule } from './support/support.module';

@Module({})
export class AppModule {
  /** The whole service, for a configuration already validated by loadConfig(). */
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        // The shared folders read what the middle layer owns through tokens they declare: the queue's size
        // (QUEUE_STATS, exported by dm) and the commands used (COMMAND_USAGE, by events). The root names the modules.
        ObservabilityModule.forRoot({ imports: [DmModule] }),
        DiscordModule.forRoot({ imports: [EventsModule] }),
        HealthModule,
        NotificationsModule,
        RolesModule,
        SubscriptionModule,
        InvoicesModule,
        RefundsModule,
        SupportModule,
        OpenApiModule,
      ],
      providers: [
        { provide: APP_PIPE, useFactory: createValidationPipe },
        HttpExceptionFilter,
        DiscordExceptionFilter,
        { provide: APP_FILTER, useClass: AppExceptionFilter },
      ],
    };
  }
}
