import { Module } from '@nestjs/common';
import { RolesModule } from '../roles/roles.module';
import { SubscriptionClient } from './subscription.client';
import { AdminSubscriptionCommands, SubscriptionCommands } from './subscription.commands';
import { SubscriptionController } from './subscription.controller';
import { SubscriptionService } from './subscription.service';

@Module({
  imports: [RolesModule],
  controllers: [SubscriptionController],
  providers: [SubscriptionClient, SubscriptionService, SubscriptionCommands, AdminSubscriptionCommands],
  exports: [SubscriptionService, SubscriptionClient],
})
export class SubscriptionModule {}
