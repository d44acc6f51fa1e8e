import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { BackendHealthClient } from './backend-health.client';

/**
 * The website backend's reachability, reported as a detail: always `up` so it never makes the bot
 * unready (the contract says so: the bot can still serve Discord while the backend is down).
 */
@Injectable()
export class BackendHealthIndicator {
  constructor(
    private readonly client: BackendHealthClient,
    private readonly health: HealthIndicatorService,
  ) {}

  async check(key: 'backend'): Promise<HealthIndicatorResult<'backend'>> {
    try {
      const answer = await this.client.check();
      return this.health.check(key).up({ reachable: true, reported: answer.status });
    } catch (error) {
      return this.health.check(key).up({ reachable: false, error: (error as Error).message });
    }
  }
}
