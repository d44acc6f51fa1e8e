import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { BackendError } from '../backend/backend.errors';
import { AppConfig, FREE_PLAN } from '../config/app-config';
import { PlanRoles } from '../config/plan-roles';
import { Leases } from '../storage/leases';
import type { PremiumGrantTable } from '../storage/tables';
import { WORKER_ID } from '../storage/worker-id';
import {
  MAX_GRANT_MS,
  PremiumGrants,
  RoleAuditLog,
  RolesSync,
  type RolesSyncResult,
  RolesService,
  type UpdateRolesResponse,
} from '../role-truth';

const DAY_MS = 24 * 60 * 60 * 1000;
const UNIT_DAYS: Record<string, number> = { d: 1, w: 7, m: 30, y: 365 };
const EXPIRY_TICK_MS = 60_000;

/** `7d`, `4w`, `6m`, `1y` as milliseconds; undefined when not such a duration or longer than a year. */
export function parseGrantDuration(text: string): number | undefined {
  const match = /^\s*(\d{1,3})\s*([dwmy])\s*$/i.exec(text);
  if (!match) return undefined;
  const ms = Number(match[1]) * UNIT_DAYS[match[2].toLowerCase()] * DAY_MS;
  return ms > 0 && ms <= MAX_GRANT_MS ? ms : undefined;
}

export type GrantResult =
  | { kind: 'granted'; grant: PremiumGrantTable; roles: UpdateRolesResponse }
  | { kind: 'unknown_plan'; plans: string[] }
  | { kind: 'bad_duration' };

export type RevokeResult =
  | { kind: 'none' }
  /** `roles` undefined: the subscription could not be read, roles stay until the next sweep. */
  | { kind: 'revoked'; grants: PremiumGrantTable[]; roles?: RolesSyncResult };

/**
 * Staff grants from Discord: give premium for a while (stored, audited, roles through the ordered path),
 * end it (revoke), and end it by itself at expiry, when the roles follow the subscription again.
 */
@Injectable()
export class PremiumService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PremiumService.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly grants: PremiumGrants,
    private readonly roles: RolesService,
    private readonly sync: RolesSync,
    private readonly auditLog: RoleAuditLog,
    private readonly leases: Leases,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.expireDue(), EXPIRY_TICK_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  async grant(input: {
    discordId: string;
    plan: string;
    duration: string;
    reason: string | null;
    staffId: string;
  }): Promise<GrantResult> {
    const plan = PlanRoles.normalize(input.plan);
    const roles = this.config.planRoles.rolesOf(plan);
    if (!roles || plan === FREE_PLAN) return { kind: 'unknown_plan', plans: this.config.planRoles.plans };
    const durationMs = parseGrantDuration(input.duration);
    if (durationMs === undefined) return { kind: 'bad_duration' };
    const grant = await this.grants.grant({
      discordId: input.discordId,
      plan,
      durationMs,
      grantedBy: input.staffId,
      reason: input.reason,
    });
    await this.auditLog.grant('auditGranted', grant, input.staffId);
    const guildId = this.config.guildId;
    const answer = guildId
      ? await this.roles.apply({
          guildId,
          discordId: input.discordId,
          change: { add: [...roles], remove: [] },
          source: 'grant',
          plan,
          actorId: input.staffId,
        })
      : await this.roles.updateRoles({ discord_id: input.discordId, plan });
    return { kind: 'granted', grant, roles: answer };
  }

  async revoke(discordId: string, staffId: string): Promise<RevokeResult> {
    const ended = await this.grants.revoke(discordId, staffId);
    if (ended.length === 0) return { kind: 'none' };
    for (const grant of ended) await this.auditLog.grant('auditRevoked', grant, staffId);
    return { kind: 'revoked', grants: ended, roles: await this.resync(discordId, staffId) };
  }

  /** The roles again from the truth, now that a grant ended; undefined when the truth is unknown. */
  private async resync(discordId: string, staffId: string | null): Promise<RolesSyncResult | undefined> {
    try {
      return await this.sync.sync(discordId, 'grant_end', staffId);
    } catch (error) {
      if (!(error instanceof BackendError)) throw error;
      this.logger.warn(`Roles of ${discordId} after a grant ended: the subscription could not be read`);
      return undefined;
    }
  }

  /** Grants past their expiry end here: roles follow the subscription; an unreadable one is tried again. */
  expireDue(): Promise<void> {
    this.running ??= (async () => {
      if (!(await this.leases.acquire('grant_expiry', WORKER_ID, 2 * EXPIRY_TICK_MS))) return;
      try {
        for (const grant of await this.grants.expired()) {
          if (!(await this.resync(grant.discord_id, null))) continue;
          if (await this.grants.end(grant.id)) await this.auditLog.grant('auditExpired', grant, null);
        }
      } finally {
        await this.leases.release('grant_expiry', WORKER_ID);
      }
    })()
      .catch((error: Error) => this.logger.error(`Ending expired grants failed: ${error.message}`))
      .finally(() => (this.running = undefined));
    return this.running;
  }
}
