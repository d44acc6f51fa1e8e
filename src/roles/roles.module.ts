import { Module } from '@nestjs/common';
import { InternalApiModule } from '../common/guards/internal-api.module';
import { RoleTruthModule } from '../role-truth';
import { StorageModule } from '../storage/storage.module';
import { PremiumCommands } from './premium.commands';
import { PremiumService } from './premium.service';
import { RolesCommands, RoleSweepButtons } from './roles.commands';
import { RolesController } from './roles.controller';

/** The role feature: the backend's role route, and the staff's `/admin roles` and `/admin premium` commands. */
@Module({
  imports: [StorageModule, InternalApiModule, RoleTruthModule],
  controllers: [RolesController],
  providers: [PremiumService, RolesCommands, RoleSweepButtons, PremiumCommands],
})
export class RolesModule {}
