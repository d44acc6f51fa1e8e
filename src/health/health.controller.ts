import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { BackendHealthIndicator } from './backend.health';
import { DiscordHealthIndicator } from './discord.health';
import { StoreHealthIndicator } from './store.health';

/** Open probes for the hosting platform: no secret, no data beyond the checks' state. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly discord: DiscordHealthIndicator,
    private readonly store: StoreHealthIndicator,
    private readonly backend: BackendHealthIndicator,
  ) {}

  /** 200 while the process can serve HTTP. */
  @Get('live')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /** 200 only when the gateway is ready with a fresh heartbeat and the store answers; else 503. */
  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.discord.check('discord'),
      () => this.store.check('store'),
      () => this.backend.check('backend'),
    ]);
  }
}
