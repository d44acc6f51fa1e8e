import { Injectable, Logger } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { DatabaseService } from '../storage/database.service';
import { CheckLog } from './check-log';

const STORE_TIMEOUT_MS = 2000;

@Injectable()
export class StoreHealthIndicator {
  private readonly log = new CheckLog(new Logger(StoreHealthIndicator.name), 'store');

  constructor(
    private readonly database: DatabaseService,
    private readonly health: HealthIndicatorService,
  ) {}

  async check(key: 'store'): Promise<HealthIndicatorResult<'store'>> {
    const session = this.health.check(key);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.database.checkWritable(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('timed out')), STORE_TIMEOUT_MS);
        }),
      ]);
      this.log.up();
      return session.up();
    } catch (error) {
      this.log.down(`${this.database.dialect}: ${(error as Error).message}`);
      return session.down();
    } finally {
      clearTimeout(timer);
    }
  }
}
