import { Module } from '@nestjs/common';
import { DmModule } from '../dm/dm.module';
import { NotificationsCommands } from './notifications.commands';
import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';
import { InternalApiModule } from '../common/guards/internal-api.module';
import { MembersModule } from '../members/members.module';

/** `POST /internal/notify` and `/notifications`: subscription events and the member's billing inbox. */
@Module({
  imports: [MembersModule, InternalApiModule, DmModule],
  controllers: [NotificationsController],
  providers: [NotificationsService, NotificationsCommands],
})
export class NotificationsModule {}
