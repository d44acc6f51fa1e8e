import { Injectable, Logger } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { BackendHealthClient } from './backend-health.client';
import { CheckLog } from './check-log';

/**
 * The website backend's reachability, reported as a detail: always `up` so it never makes the bot
 * unready (the contract says so: the bot can still serve Discord while the backend is down).
 */
@Injectable()
export class BackendHealthIndicator {
  private readonly log = new CheckLog(new Logger(BackendHealthIndicator.name), 'backend');

  constructor(
    private readonly client: BackendHealthClient,
    private readonly health: HealthIndicatorService,
  ) {}

  async check(key: 'backend'): Promise<HealthIndicatorResult<'backend'>> {
    try {
      const answer = await this.client.check();
      this.log.up();
      return this.health.check(key).up({ reachable: true, reported: answer.status });
    } catch (error) {
      this.log.down((error as Error).message);
      return this.health.check(key).up({ reachable: false });
    }
  }
}
