import { Module } from '@nestjs/common';
import { BackendModule } from '../backend/backend.module';
import { InternalApiModule } from '../common/guards/internal-api.module';
import { RoleTruthModule } from '../role-truth';
import { AdminSubscriptionCommands, SubscriptionCommands } from './subscription.commands';
import { SubscriptionController } from './subscription.controller';
import { SubscriptionService } from './subscription.service';

@Module({
  imports: [BackendModule, InternalApiModule, RoleTruthModule],
  controllers: [SubscriptionController],
  providers: [SubscriptionService, SubscriptionCommands, AdminSubscriptionCommands],
  exports: [SubscriptionService],
})
export class SubscriptionModule {}
