/**
 * What the durable delivery queue tells the metrics. The queue's owner exports it under QUEUE_STATS and the app
 * root hands that module to ObservabilityModule.forRoot(); without one, the queue gauges are simply not exported
 * (never a made-up 0).
 */
export interface QueueStats {
  /** Items waiting or being delivered (not the delivered nor the dead ones). */
  depth(): Promise<number>;
  /** Age in ms of the oldest waiting item, or null when nothing waits. */
  oldestAgeMs(): Promise<number | null>;
}

export const QUEUE_STATS = Symbol('QUEUE_STATS');
