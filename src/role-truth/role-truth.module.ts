import { Module } from '@nestjs/common';
import { BackendModule } from '../backend/backend.module';
import { EventsModule } from '../events/events.module';
import { MembersModule } from '../members/members.module';
import { StorageModule } from '../storage/storage.module';
import { BackendReadBudget } from './backend-budget';
import { Entitlements, GrantEntitlements, SubscriptionEntitlements } from './entitlements';
import { GatewayOutageWatch } from './gateway-outage.watch';
import { GuildRoles } from './guild-roles';
import { MemberChecks } from './member-checks';
import { MemberEventsListener } from './member-events.listener';
import { MemberRoleCache } from './member-role-cache';
import { PremiumGrants } from './premium-grants';
import { PremiumRoleStatus } from './premium-role-status';
import { RoleAuditLog } from './role-audit-log';
import { RoleConverger } from './role-converger';
import { RoleLedger } from './role-ledger';
import { RoleRefusals } from './role-refusals';
import { RoleSweeper } from './role-sweep.service';
import { RoleSweeps } from './role-sweeps.repository';
import { RolesSync } from './roles-sync.service';
import { RolesService } from './roles.service';
import { TruthReader } from './truth-read';

/**
 * The role engine: what each member should hold (the backend's truth, staff grants, the ledger of intents) and
 * the work that makes Discord agree (the converger, the sweep and its brake, joins). The features reach it
 * through the services exported here, named with the rest of its public surface in index.ts.
 */
@Module({
  imports: [StorageModule, MembersModule, BackendModule, EventsModule],
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
    RoleSweeps,
    RoleAuditLog,
    GatewayOutageWatch,
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
    RoleAuditLog,
  ],
})
export class RoleTruthModule {}
