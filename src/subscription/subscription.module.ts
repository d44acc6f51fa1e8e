import { Module } from '@nestjs/common';
import { RoleTruthModule } from '../role-truth';
import { AdminSubscriptionCommands, SubscriptionCommands } from './subscription.commands';
import { SubscriptionController } from './subscription.controller';
import { SubscriptionService } from './subscription.service';

@Module({
  imports: [RoleTruthModule],
  controllers: [SubscriptionController],
  providers: [SubscriptionService, SubscriptionCommands, AdminSubscriptionCommands],
  exports: [SubscriptionService],
})
export class SubscriptionModule {}
