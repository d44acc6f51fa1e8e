import { Inject, Injectable, Logger, Optional, type OnModuleInit } from '@nestjs/common';
import { Metrics } from './metrics.service';
import { QUEUE_STATS, type QueueStats } from './queue-stats';

/** Exports the queue's depth and oldest age when a module gives QUEUE_STATS, and nothing otherwise. */
@Injectable()
export class QueueMetrics implements OnModuleInit {
  private readonly logger = new Logger(QueueMetrics.name);

  constructor(
    private readonly metrics: Metrics,
    @Optional() @Inject(QUEUE_STATS) private readonly stats?: QueueStats,
  ) {}

  onModuleInit(): void {
    const stats = this.stats;
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
}
