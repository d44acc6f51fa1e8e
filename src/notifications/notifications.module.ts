import { Module } from '@nestjs/common';
import { InternalApiModule } from '../common/guards/internal-api.module';
import { DmModule } from '../dm/dm.module';
import { MembersModule } from '../members/members.module';
import { NotificationsCommands } from './notifications.commands';
import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';

/** `POST /internal/notify` and `/notifications`: subscription events and the member's billing inbox. */
@Module({
  imports: [MembersModule, InternalApiModule, DmModule],
  controllers: [NotificationsController],
  providers: [NotificationsService, NotificationsCommands],
})
export class NotificationsModule {}
