import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { MemberEventsListener } from './member-events.listener';
import { Entitlements, GrantEntitlements, SubscriptionEntitlements } from './entitlements';
import { GuildRoles } from './guild-roles';
import { PremiumGrants } from './premium-grants';
import { RoleConverger } from './role-converger';
import { RoleLedger } from './role-ledger';
import { RolesSync } from './roles-sync.service';
import { RolesCommands, RoleSweepButtons } from './roles.commands';
import { RoleSweeper } from './role-sweep.service';
import { RoleAuditLog } from './role-audit-log';
import { PremiumService } from './premium.service';
import { PremiumRoleStatus } from './premium-role-status';
import { PremiumCommands } from './premium.commands';
import { GatewayOutageWatch } from './gateway-outage.watch';
import { RolesController } from './roles.controller';
import { RolesService } from './roles.service';
import { BackendReadBudget } from './backend-budget';
import { MemberChecks } from './member-checks';
import { MemberRoleCache } from './member-role-cache';
import { RoleRefusals } from './role-refusals';
import { TruthReader } from './truth-read';

@Module({
  imports: [EventsModule],
  controllers: [RolesController],
  providers: [
    RolesService,
    RoleLedger,
    RoleConverger,
    GuildRoles,
    PremiumGrants,
    SubscriptionEntitlements,
    GrantEntitlements,
    Entitlements,
    RolesSync,
    PremiumRoleStatus,
    RoleSweeper,
    RoleAuditLog,
    PremiumService,
    GatewayOutageWatch,
    RolesCommands,
    RoleSweepButtons,
    PremiumCommands,
    MemberEventsListener,
    TruthReader,
    BackendReadBudget,
    MemberChecks,
    RoleRefusals,
    MemberRoleCache,
  ],
  exports: [
    RolesService,
    RolesSync,
    RoleLedger,
    PremiumGrants,
    PremiumRoleStatus,
    RoleSweeper,
    SubscriptionEntitlements,
  ],
})
export class RolesModule {}
