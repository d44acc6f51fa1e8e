import { Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { DiscordAPIError, PermissionFlagsBits, type BaseInteraction } from 'discord.js';
import { NecordExecutionContext } from 'necord';
import { AppConfig } from '../config/app-config';
import { DiscordRestService } from './discord-rest.service';
import { DiscordUserError, StaffRefusal } from './discord-user.error';

/** The REST lookup runs before the command can defer, so it must leave time to answer within Discord's 3 s. */
const STAFF_LOOKUP_BUDGET_MS = 2000;

/**
 * Who counts as staff: a user listed in ADMIN_USER_IDS, or a member of MODDY_GUILD_ID who holds a role
 * listed in ADMIN_ROLE_IDS or has Administrator there. Read from REST when the interaction comes from
 * elsewhere, so the answer does not depend on a gateway cache.
 */
@Injectable()
export class StaffService {
  private readonly logger = new Logger(StaffService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly discord: DiscordRestService,
  ) {}

  async isStaff(interaction: BaseInteraction): Promise<boolean> {
    const userId = interaction.user.id;
    if (this.config.adminUserIds.includes(userId)) return true;
    const guildId = this.config.guildId;
    if (!guildId) return false;
    if (interaction.guildId === guildId && interaction.member) {
      const roles = interaction.member.roles;
      const roleIds = Array.isArray(roles) ? roles : [...roles.cache.keys()];
      if (roleIds.some((r) => this.config.adminRoleIds.includes(r))) return true;
      return interaction.memberPermissions?.has(PermissionFlagsBits.Administrator) ?? false;
    }
    try {
      const budget = { timeoutMs: STAFF_LOOKUP_BUDGET_MS };
      const [member, roles] = await Promise.all([
        this.discord.member(guildId, userId, budget),
        this.discord.guildRoles(guildId, budget),
      ]);
      if (member.roles.some((r) => this.config.adminRoleIds.includes(r))) return true;
      const administrator = roles
        .filter((r) => r.id === guildId || member.roles.includes(r.id))
        .some((r) => (BigInt(r.permissions) & PermissionFlagsBits.Administrator) !== 0n);
      return administrator;
    } catch (error) {
      if (error instanceof DiscordAPIError && error.status === 404) {
        this.logger.debug(`Staff check for ${userId} found no membership in the Moddy guild: ${error.message}`);
        return false;
      }
      // Not knowing is not "no": the user hears that something went wrong, not that they are not staff.
      this.logger.warn(`Staff check for ${userId} could not reach Discord: ${String(error)}`);
      throw new DiscordUserError('errors.unexpected');
    }
  }
}

/** Guards every `/admin` handler: a refused user gets an ephemeral explanation and nothing else runs. */
@Injectable()
export class StaffGuard implements CanActivate {
  constructor(private readonly staff: StaffService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const [interaction] = NecordExecutionContext.create(context).getContext<'interactionCreate'>();
    if (!(await this.staff.isStaff(interaction))) throw new StaffRefusal();
    return true;
  }
}
