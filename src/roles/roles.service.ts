import { HttpException, HttpStatus, Injectable, Logger } from '@nestjs/common';
import type { APIGuildMember, APIRole } from 'discord.js';
import { AppConfig } from '../config/app-config';
import { classifyDiscordError } from '../discord/discord-errors';
import { botStanding, DiscordRestService } from '../discord/discord-rest.service';
import { OutboundEvents } from '../notifications/outbound-events';
import type { UpdateRolesRequest } from './dto/update-roles.request';
import { PendingRoleChanges } from './pending-role-changes';
import { rolesForPlan, type RoleChange } from './role-plan';

export type RoleOutcome = 'added' | 'removed' | 'unchanged' | 'failed';
export interface RoleResult {
  role_id: string;
  outcome: RoleOutcome;
  reason?: string;
}

/** Contract InternalUpdateRoleResponse. */
export interface UpdateRolesResponse {
  success: boolean;
  message: string;
  roles_updated: boolean;
  guild_id: string | null;
  pending?: boolean;
  results?: RoleResult[];
}

const AUDIT_REASON = 'Moddy subscription change';

/** A role update as the contract's request states it. */
export type RoleUpdate = Pick<UpdateRolesRequest, 'discord_id' | 'plan' | 'add_roles' | 'remove_roles' | 'guild_id'>;

@Injectable()
export class RolesService {
  private readonly logger = new Logger(RolesService.name);

  constructor(
    private readonly discord: DiscordRestService,
    private readonly config: AppConfig,
    private readonly pending: PendingRoleChanges,
    private readonly events: OutboundEvents,
  ) {}

  /** Applies the change stored for a member who just joined, with the same checks as an update. */
  async applyPending(guildId: string, discordId: string): Promise<UpdateRolesResponse | null> {
    const change = await this.pending.find(guildId, discordId);
    if (!change) return null;
    const result = await this.updateRoles({ discord_id: discordId, guild_id: guildId, ...change });
    if (!result.pending) await this.pending.remove(guildId, discordId, change.createdAt);
    if (!result.success)
      this.logger.warn(`Pending role change for ${discordId} in ${guildId} failed: ${result.message}`);
    return result;
  }

  async updateRoles(request: RoleUpdate): Promise<UpdateRolesResponse> {
    const guildId = request.guild_id ?? this.config.guildId;
    if (!guildId)
      throw new HttpException({ error: 'MODDY_GUILD_ID is not configured' }, HttpStatus.SERVICE_UNAVAILABLE);
    const refuse = (message: string, results?: RoleResult[]): UpdateRolesResponse => ({
      success: false,
      message,
      roles_updated: false,
      guild_id: guildId,
      ...(results ? { results } : {}),
    });

    let change: RoleChange;
    if (request.add_roles == null && request.remove_roles == null) {
      const derived = rolesForPlan(request.plan, this.config.planRoles);
      if (!derived) return refuse(`Plan "${request.plan}" has no roles configured in PLAN_ROLES; nothing changed`);
      change = derived;
    } else {
      change = { add: [...new Set(request.add_roles ?? [])], remove: [...new Set(request.remove_roles ?? [])] };
      const both = change.add.find((r) => change.remove.includes(r));
      if (both) return refuse(`Role ${both} is both in add_roles and remove_roles; nothing changed`);
    }

    let roles: APIRole[];
    let botMember: APIGuildMember;
    try {
      roles = await this.discord.guildRoles(guildId);
      botMember = await this.discord.member(guildId, await this.discord.botUser());
    } catch (error) {
      this.logger.warn(`Cannot read guild ${guildId}: ${classifyDiscordError(error)}`);
      return refuse(`The bot cannot read guild ${guildId} (is it a member of it?); nothing changed`);
    }

    let member: APIGuildMember;
    try {
      member = await this.discord.member(guildId, request.discord_id);
    } catch (error) {
      const kind = classifyDiscordError(error);
      if (kind === 'unknown_member' || kind === 'unknown_user') {
        await this.pending.store(guildId, request.discord_id, request);
        return {
          ...refuse('User is not a member of the guild; the change will be applied when they join'),
          pending: true,
        };
      }
      this.logger.warn(`Cannot read member ${request.discord_id}: ${kind}`);
      return refuse('Discord is unavailable; nothing changed');
    }

    const problems = this.check([...change.add, ...change.remove], roles, botStanding(guildId, botMember, roles));
    if (problems.size > 0) {
      const results = [...change.add, ...change.remove].map((role_id): RoleResult => {
        const reason = problems.get(role_id);
        return reason ? { role_id, outcome: 'failed', reason } : { role_id, outcome: 'unchanged' };
      });
      const [first] = problems;
      return refuse(`Role ${first[0]}: ${first[1]}; nothing changed`, results);
    }
    return this.apply(guildId, member, change);
  }

  /** Role id -> why the bot may not touch it. Empty when every role may be changed. */
  private check(roleIds: string[], roles: APIRole[], standing: ReturnType<typeof botStanding>): Map<string, string> {
    const byId = new Map(roles.map((r) => [r.id, r]));
    const problems = new Map<string, string>();
    for (const id of roleIds) {
      const role = byId.get(id);
      if (!role) problems.set(id, 'role not found in the guild');
      else if (!standing.canManageRoles) problems.set(id, 'the bot lacks the Manage Roles permission');
      else if (role.managed) problems.set(id, 'role is managed by an integration');
      else if (role.position >= standing.highestPosition) problems.set(id, "role is above the bot's highest role");
    }
    return problems;
  }

  private async apply(guildId: string, member: APIGuildMember, change: RoleChange): Promise<UpdateRolesResponse> {
    const has = new Set(member.roles);
    const userId = member.user.id;
    const results: RoleResult[] = [];
    const run = async (roleId: string, wanted: boolean) => {
      if (has.has(roleId) === wanted) return results.push({ role_id: roleId, outcome: 'unchanged' });
      try {
        if (wanted) await this.discord.addRole(guildId, userId, roleId, AUDIT_REASON);
        else await this.discord.removeRole(guildId, userId, roleId, AUDIT_REASON);
        results.push({ role_id: roleId, outcome: wanted ? 'added' : 'removed' });
      } catch (error) {
        const kind = classifyDiscordError(error);
        this.logger.warn(`Role ${roleId} ${wanted ? 'add' : 'remove'} for ${userId} failed: ${kind}`);
        results.push({ role_id: roleId, outcome: 'failed', reason: `Discord refused the change (${kind})` });
      }
    };
    for (const roleId of change.add) await run(roleId, true);
    for (const roleId of change.remove) await run(roleId, false);

    const changed = results.filter((r) => r.outcome === 'added' || r.outcome === 'removed');
    if (changed.length > 0) {
      this.events.record('role_updated', userId, {
        guild_id: guildId,
        added: changed.filter((r) => r.outcome === 'added').map((r) => r.role_id),
        removed: changed.filter((r) => r.outcome === 'removed').map((r) => r.role_id),
      });
    }
    const failed = results.filter((r) => r.outcome === 'failed');
    if (failed.length > 0) {
      return {
        success: false,
        message: `${failed.length} role change(s) failed`,
        roles_updated: changed.length > 0,
        guild_id: guildId,
        results,
      };
    }
    return { success: true, message: 'Roles updated successfully', roles_updated: true, guild_id: guildId, results };
  }
}
