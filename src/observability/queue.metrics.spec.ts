import type { Provider } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { MetricsModule } from './metrics.module';
import { Metrics } from './metrics.service';
import { QueueMetrics } from './queue.metrics';
import { QUEUE_STATS, type QueueStats } from './queue-stats';

async function scrape(providers: Provider[]): Promise<string> {
  const moduleRef = await Test.createTestingModule({
    imports: [MetricsModule],
    providers: [QueueMetrics, ...providers],
  }).compile();
  await moduleRef.init();
  return moduleRef.get(Metrics).render();
}

describe(QueueMetrics.name, () => {
  it('should export depth and oldest age from the QUEUE_STATS provider', async () => {
    const stats: QueueStats = { depth: () => Promise.resolve(7), oldestAgeMs: () => Promise.resolve(2500) };
    const text = await scrape([{ provide: QUEUE_STATS, useValue: stats }]);
    expect(text).toContain('moddy_queue_depth 7');
    expect(text).toContain('moddy_queue_oldest_age_seconds 2.5');
  });

  it('should say 0 s when nothing waits', async () => {
    const stats: QueueStats = { depth: () => Promise.resolve(0), oldestAgeMs: () => Promise.resolve(null) };
    expect(await scrape([{ provide: QUEUE_STATS, useValue: stats }])).toContain('moddy_queue_oldest_age_seconds 0');
  });

  it('should export no queue gauge at all when no module provides QUEUE_STATS', async () => {
    expect(await scrape([])).not.toContain('moddy_queue_');
  });
});
