import { Injectable } from '@nestjs/common';
import { OutboundEvents } from '../events/outbound-events';
import type { QueueStats } from '../observability/queue-stats';
import { MemberDms } from './member-dms.service';

/** The metrics' view of the durable queues: DMs still to deliver and events still to send, together. */
@Injectable()
export class DeliveryQueueStats implements QueueStats {
  constructor(
    private readonly dms: MemberDms,
    private readonly events: OutboundEvents,
  ) {}

  private async both() {
    return Promise.all([this.dms.queue.stats(), this.events.queue.stats()]);
  }

  async depth(): Promise<number> {
    return (await this.both()).reduce((sum, s) => sum + s.depth, 0);
  }

  async oldestAgeMs(): Promise<number | null> {
    const ages = (await this.both()).map((s) => s.oldestAgeMs).filter((a): a is number => a !== null);
    return ages.length > 0 ? Math.max(...ages) : null;
  }
}
