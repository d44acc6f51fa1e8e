import { Module } from '@nestjs/common';
import { EventsClient } from './events.client';
import { NotificationDelivery } from './notification-delivery';
import { NotificationInbox } from './notification-inbox';
import { NotificationsCommands } from './notifications.commands';
import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';

@Module({
  controllers: [NotificationsController],
  providers: [NotificationsService, NotificationInbox, NotificationDelivery, NotificationsCommands, EventsClient],
  exports: [NotificationsService, EventsClient],
})
export class NotificationsModule {}
