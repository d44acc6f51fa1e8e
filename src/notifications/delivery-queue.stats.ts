import { Injectable } from '@nestjs/common';
import type { QueueStats } from '../observability/queue-stats';
import { NotificationInbox } from './notification-inbox';
import { OutboundEvents } from './outbound-events';

/** The metrics' view of the durable queues: DMs still to deliver and events still to send, together. */
@Injectable()
export class DeliveryQueueStats implements QueueStats {
  constructor(
    private readonly inbox: NotificationInbox,
    private readonly events: OutboundEvents,
  ) {}

  private async both() {
    return Promise.all([this.inbox.queue.stats(), this.events.queue.stats()]);
  }

  async depth(): Promise<number> {
    return (await this.both()).reduce((sum, s) => sum + s.depth, 0);
  }

  async oldestAgeMs(): Promise<number | null> {
    const ages = (await this.both()).map((s) => s.oldestAgeMs).filter((a): a is number => a !== null);
    return ages.length > 0 ? Math.max(...ages) : null;
  }
}
