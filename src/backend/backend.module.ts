import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { MetricsModule } from '../observability/metrics.module';
import { BackendHttpService } from './backend-http.service';
import { SubscriptionClient } from './subscription.client';

/**
 * Registers the backend's HTTP client once: base URL, bearer secret, User-Agent, timeout. Also the subscription
 * client, the one backend read two features share (subscription answers with it, roles derives entitlements).
 */
@Module({
  imports: [
    MetricsModule,
    HttpModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        baseURL: config.backend.url,
        timeout: config.backend.timeoutMs,
        headers: {
          Authorization: `Bearer ${config.internalApi.secret}`,
          'User-Agent': `moddy-bot/${config.version}`,
          Accept: 'application/json',
        },
        // Status handling is ours (BackendError); never let axios follow redirects off the private network.
        maxRedirects: 0,
      }),
    }),
  ],
  providers: [BackendHttpService, SubscriptionClient],
  exports: [BackendHttpService, SubscriptionClient],
})
export class BackendModule {}
