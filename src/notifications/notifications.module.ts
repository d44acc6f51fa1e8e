import { Module } from '@nestjs/common';
import { DmModule } from '../dm/dm.module';
import { NotificationsCommands } from './notifications.commands';
import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';

/** `POST /internal/notify` and `/notifications`: subscription events and the member's billing inbox. */
@Module({
  imports: [DmModule],
  controllers: [NotificationsController],
  providers: [NotificationsService, NotificationsCommands],
})
export class NotificationsModule {}
