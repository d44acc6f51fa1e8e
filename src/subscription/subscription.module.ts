import { Module } from '@nestjs/common';
import { RolesModule } from '../roles/roles.module';
import { AdminSubscriptionCommands, SubscriptionCommands } from './subscription.commands';
import { SubscriptionController } from './subscription.controller';
import { SubscriptionService } from './subscription.service';

@Module({
  imports: [RolesModule],
  controllers: [SubscriptionController],
  providers: [SubscriptionService, SubscriptionCommands, AdminSubscriptionCommands],
  exports: [SubscriptionService],
})
export class SubscriptionModule {}
