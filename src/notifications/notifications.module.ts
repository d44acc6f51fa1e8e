import { Module } from '@nestjs/common';
import { EventsClient } from './events.client';
import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';

@Module({
  controllers: [NotificationsController],
  providers: [NotificationsService, EventsClient],
  exports: [EventsClient],
})
export class NotificationsModule {}
