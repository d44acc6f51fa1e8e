import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Metrics } from './metrics.service';
import { QUEUE_STATS, type QueueStats } from './queue-stats';

/** Exports the queue's depth and oldest age when some module provides QUEUE_STATS, and nothing otherwise. */
@Injectable()
export class QueueMetrics implements OnModuleInit {
  private readonly logger = new Logger(QueueMetrics.name);

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    const stats = this.find();
    if (!stats) {
      this.logger.debug('No QUEUE_STATS provider: queue gauges are not exported');
      return;
    }
    this.metrics.gauge('moddy_queue_depth', 'Deliveries waiting or in progress in the durable queue', () =>
      stats.depth(),
    );
    this.metrics.gauge(
      'moddy_queue_oldest_age_seconds',
      'Age of the oldest waiting delivery (0 when none waits)',
      async () => ((await stats.oldestAgeMs()) ?? 0) / 1000,
    );
  }

  private find(): QueueStats | undefined {
    try {
      return this.moduleRef.get<QueueStats>(QUEUE_STATS, { strict: false });
    } catch {
      return undefined;
    }
  }
}
