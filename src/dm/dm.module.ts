import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { MembersModule } from '../members/members.module';
import { QUEUE_STATS } from '../observability/queue-stats';
import { StorageModule } from '../storage/storage.module';
import { DeadNotificationAudit } from './dead-notification.audit';
import { DeliveryQueueStats } from './delivery-queue.stats';
import { MemberDms } from './member-dms.service';
import { Notifications } from './notifications.repository';

/** Every DM to a member: the billing inbox (a typed outbox), its first attempt, its worker. */
@Module({
  imports: [StorageModule, MembersModule, EventsModule],
  providers: [
    Notifications,
    MemberDms,
    DeadNotificationAudit,
    // Read by the metrics (queue depth and oldest age), wherever they are registered.
    { provide: QUEUE_STATS, useClass: DeliveryQueueStats },
  ],
  exports: [MemberDms, Notifications, QUEUE_STATS],
})
export class DmModule {}
