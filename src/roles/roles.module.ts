import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { SubscriptionClient } from '../subscription/subscription.client';
import { MemberEventsListener } from './member-events.listener';
import { PendingRoleChanges } from './pending-role-changes';
import { RolesSync } from './roles-sync.service';
import { RolesCommands } from './roles.commands';
import { RolesController } from './roles.controller';
import { RolesService } from './roles.service';

@Module({
  imports: [NotificationsModule],
  controllers: [RolesController],
  // The subscription client is stateless: roles reads the subscription truth with its own instance, so
  // the subscription module can depend on this one (for refresh) without a cycle.
  providers: [RolesService, PendingRoleChanges, RolesSync, RolesCommands, MemberEventsListener, SubscriptionClient],
  exports: [RolesService, RolesSync],
})
export class RolesModule {}
