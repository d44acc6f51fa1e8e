import { Module } from '@nestjs/common';
import { COMMAND_USAGE } from '../observability/command-usage';
import { QUEUE_STATS } from '../observability/queue-stats';
import { DeadNotificationAudit } from './dead-notification.audit';
import { DeliveryQueueStats } from './delivery-queue.stats';
import { EventsClient } from './events.client';
import { NotificationDelivery } from './notification-delivery';
import { NotificationInbox } from './notification-inbox';
import { NotificationsCommands } from './notifications.commands';
import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';
import { OutboundEvents } from './outbound-events';

@Module({
  controllers: [NotificationsController],
  providers: [
    NotificationsService,
    NotificationInbox,
    NotificationDelivery,
    DeadNotificationAudit,
    NotificationsCommands,
    EventsClient,
    OutboundEvents,
    // Read by the metrics (queue depth and oldest age), wherever they are registered.
    { provide: QUEUE_STATS, useClass: DeliveryQueueStats },
    // Finished slash commands become `command_used` events for the backend.
    { provide: COMMAND_USAGE, useExisting: OutboundEvents },
  ],
  exports: [NotificationsService, NotificationDelivery, OutboundEvents, DeadNotificationAudit],
})
export class NotificationsModule {}
