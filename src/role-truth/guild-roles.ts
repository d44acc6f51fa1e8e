import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Client, Events, PermissionFlagsBits, type APIRole } from 'discord.js';
import { AppConfig } from '../config/app-config';
import { StartFailure } from '../config/start-failure';
import { botStanding, DiscordRestService, type BotStanding } from '../discord/discord-rest.service';
import {
  ABOVE_BOT,
  MANAGED_ROLE,
  NO_MANAGE_ROLES,
  NOT_MANAGEABLE,
  ROLE_NOT_FOUND,
  staffPermissionsReason,
} from './role-reasons';

/** Permissions no role handed out by the backend may carry: they would make a paying member staff. */
const DANGEROUS = [
  ['Administrator', PermissionFlagsBits.Administrator],
  ['Manage Server', PermissionFlagsBits.ManageGuild],
  ['Manage Roles', PermissionFlagsBits.ManageRoles],
  ['Manage Channels', PermissionFlagsBits.ManageChannels],
  ['Ban Members', PermissionFlagsBits.BanMembers],
  ['Kick Members', PermissionFlagsBits.KickMembers],
  ['Manage Webhooks', PermissionFlagsBits.ManageWebhooks],
  ['Mention Everyone', PermissionFlagsBits.MentionEveryone],
] as const;

const READ_TIMEOUT_MS = 3000;

/** A guild's roles and the bot's standing in it, as read from REST. */
export class GuildRoleInfo {
  private readonly byId: Map<string, APIRole>;

  constructor(
    readonly guildId: string,
    roles: APIRole[],
    readonly standing: BotStanding,
  ) {
    this.byId = new Map(roles.map((r) => [r.id, r]));
  }

  role(roleId: string): APIRole | undefined {
    return this.byId.get(roleId);
  }

  /**
   * Why the bot may not give or take this role; undefined when it may. With `manageable`, a role outside
   * it is refused too (the backend manages membership roles only).
   */
  problemWith(roleId: string, manageable?: ReadonlySet<string>): string | undefined {
    const role = this.byId.get(roleId);
    if (!role) return ROLE_NOT_FOUND;
    if (!this.standing.canManageRoles) return NO_MANAGE_ROLES;
    if (role.managed) return MANAGED_ROLE;
    if (role.position >= this.standing.highestPosition) return ABOVE_BOT;
    const permissions = BigInt(role.permissions);
    const dangerous = DANGEROUS.filter(([, flag]) => (permissions & flag) !== 0n).map(([name]) => name);
    if (dangerous.length > 0) return staffPermissionsReason(dangerous);
    return manageable && !manageable.has(roleId) ? NOT_MANAGEABLE : undefined;
  }
}

/**
 * Reads a guild's roles (REST: permissions and positions as Discord has them now) and the bot's own roles
 * (from the gateway when cached, else REST). Callers that ask while a read is under way share it, so a
 * burst of role changes costs a few reads, not one per change. A caller that can live with an older view
 * says how old; the gateway's role and bot-member updates drop the kept view, so a permission or position
 * change in Discord is seen by the next read.
 */
@Injectable()
export class GuildRoles implements OnApplicationBootstrap {
  private readonly logger = new Logger(GuildRoles.name);
  private readonly inFlight = new Map<string, Promise<GuildRoleInfo>>();
  private readonly last = new Map<string, { info: GuildRoleInfo; at: number }>();

  constructor(
    private readonly discord: DiscordRestService,
    private readonly client: Client,
    private readonly config: AppConfig,
  ) {
    // A role or the bot's member changed: the next read is a fresh one, whatever age its caller accepts.
    const forget = (guildId: string) => this.last.delete(guildId);
    client.on(Events.GuildRoleCreate, (role) => forget(role.guild.id));
    client.on(Events.GuildRoleUpdate, (_old, role) => forget(role.guild.id));
    client.on(Events.GuildRoleDelete, (role) => forget(role.guild.id));
    client.on(Events.GuildMemberUpdate, (_old, member) => {
      if (member.id === client.user?.id) forget(member.guild.id);
    });
  }

  /**
   * Refuses to start when PLAN_ROLES or MANAGED_ROLE_IDS names a role Discord manages itself (a bot's or an
   * integration's role, the booster role): no one can give it or take it, so every change would fail. When
   * Discord cannot be read now, the start goes on (each change is checked again when it is applied).
   */
  async onApplicationBootstrap(): Promise<void> {
    const guildId = this.config.guildId;
    if (!guildId) return;
    const named = [
      ...this.config.planRoles.allRoles.map((id) => ['PLAN_ROLES', id] as const),
      ...this.config.managedRoleIds.map((id) => ['MANAGED_ROLE_IDS', id] as const),
    ];
    if (named.length === 0) return;
    let roles: APIRole[];
    try {
      roles = await this.discord.guildRoles(guildId, { timeoutMs: 10_000 });
    } catch (error) {
      this.logger.warn(
        `The roles of PLAN_ROLES and MANAGED_ROLE_IDS could not be checked at start: ${(error as Error).message}`,
      );
      return;
    }
    for (const [variable, id] of named) {
      const role = roles.find((r) => r.id === id);
      if (role?.managed) {
        throw new StartFailure(
          `${variable} names the role @${role.name} (${id}), which Discord manages itself (a bot's or an ` +
            "integration's role, or the booster role): no one can give it or take it away",
        );
      }
    }
  }

  /**
   * A read no older than `maxAgeMs` (0: a fresh one, shared with the callers already waiting for one). Only a
   * guild on one of this process' shards keeps a view: elsewhere no role update would drop it, so each caller
   * gets a fresh read (still shared with the callers already waiting for one).
   */
  read(guildId: string, maxAgeMs = 0): Promise<GuildRoleInfo> {
    const last = this.last.get(guildId);
    const followed = this.client.guilds.cache.has(guildId);
    if (!followed) this.last.delete(guildId);
    else if (maxAgeMs > 0 && last && Date.now() - last.at <= maxAgeMs) return Promise.resolve(last.info);
    const running = this.inFlight.get(guildId);
    if (running) return running;
    const read = this.fetch(guildId)
      .then((info) => {
        this.last.set(guildId, { info, at: Date.now() });
        return info;
      })
      .finally(() => this.inFlight.delete(guildId));
    this.inFlight.set(guildId, read);
    return read;
  }

  private async fetch(guildId: string): Promise<GuildRoleInfo> {
    const budget = { timeoutMs: READ_TIMEOUT_MS };
    const cached = this.discord.cachedBotRoleIds(guildId);
    const [roles, botRoles] = await Promise.all([
      this.discord.guildRoles(guildId, budget),
      cached ??
        this.discord
          .botUser()
          .then((id) => this.discord.member(guildId, id, budget))
          .then((m) => m.roles),
    ]);
    return new GuildRoleInfo(guildId, roles, botStanding(guildId, { roles: botRoles }, roles));
  }
}
