import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { DatabaseService } from '../storage/database.service';

const STORE_TIMEOUT_MS = 2000;

@Injectable()
export class StoreHealthIndicator {
  constructor(
    private readonly database: DatabaseService,
    private readonly health: HealthIndicatorService,
  ) {}

  async check(key: 'store'): Promise<HealthIndicatorResult<'store'>> {
    const session = this.health.check(key);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.database.ping(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('timed out')), STORE_TIMEOUT_MS);
        }),
      ]);
      return session.up({ dialect: this.database.dialect });
    } catch (error) {
      return session.down({ dialect: this.database.dialect, message: (error as Error).message });
    } finally {
      clearTimeout(timer);
    }
  }
}
