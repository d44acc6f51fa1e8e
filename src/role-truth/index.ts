// The role engine's public surface: the one file other folders import from role-truth/ (lint: docs/architecture.md, Layout).
// Each export here is used by a feature; keep the list short and add to it rather than reaching inside.
export { RoleTruthModule } from './role-truth.module';
// Services (role-truth.module.ts exports exactly these).
export { RolesService } from './roles.service';
export { RolesSync, type RolesSyncResult } from './roles-sync.service';
export { RoleLedger, parseDesired, resultsOf, type RoleResult } from './role-ledger';
export { PremiumGrants, MAX_GRANT_MS } from './premium-grants';
export { PremiumRoleStatus, type PremiumRoleState } from './premium-role-status';
export { RoleSweeper } from './role-sweep.service';
export { SubscriptionEntitlements, isEntitling } from './entitlements';
export { RoleAuditLog } from './role-audit-log';
// The contract's role update, as the controller receives and answers it.
export { UpdateRolesRequest } from './dto/update-roles.request';
export { UpdateRolesResponse } from './dto/update-roles.response';
// The words of role results and sweeps, and the brake's buttons (answered by /admin roles).
export { roleReasonText, SUPERSEDED_REASON } from './role-reasons';
export { heldOf, summaryOf, type Drift, type HeldRemoval, type SweepScan, type SweepSummary } from './role-sweep.types';
export { BRAKE_APPLY_PATTERN, BRAKE_DISMISS_PATTERN, brakeButtons, buildBrakeDecidedMessage } from './brake-post.view';
