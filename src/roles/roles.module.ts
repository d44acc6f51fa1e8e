import { Module } from '@nestjs/common';
import { RoleTruthModule } from '../role-truth';
import { PremiumCommands } from './premium.commands';
import { PremiumService } from './premium.service';
import { RolesCommands, RoleSweepButtons } from './roles.commands';
import { RolesController } from './roles.controller';
import { InternalApiModule } from '../common/guards/internal-api.module';
import { StorageModule } from '../storage/storage.module';

/** The role feature: the backend's role route, and the staff's `/admin roles` and `/admin premium` commands. */
@Module({
  imports: [StorageModule, InternalApiModule, RoleTruthModule],
  controllers: [RolesController],
  providers: [PremiumService, RolesCommands, RoleSweepButtons, PremiumCommands],
})
export class RolesModule {}
