import { Module } from '@nestjs/common';
import { SubscriptionClient } from './subscription.client';
import { AdminSubscriptionCommands, SubscriptionCommands } from './subscription.commands';
import { SubscriptionController } from './subscription.controller';
import { SubscriptionService } from './subscription.service';

@Module({
  controllers: [SubscriptionController],
  providers: [SubscriptionClient, SubscriptionService, SubscriptionCommands, AdminSubscriptionCommands],
  exports: [SubscriptionService, SubscriptionClient],
})
export class SubscriptionModule {}
