import { Module } from '@nestjs/common';
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
    NotificationsCommands,
    EventsClient,
    OutboundEvents,
  ],
  exports: [NotificationsService, OutboundEvents],
})
export class NotificationsModule {}
