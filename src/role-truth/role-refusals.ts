import { setMaxListeners } from 'node:events';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Client, Events } from 'discord.js';
import { Metrics } from '../observability/metrics.service';
import { GuildRoles } from './guild-roles';
import { RoleAuditLog, type RefusalHint } from './role-audit-log';
import { RoleLedger } from './role-ledger';
import { ABOVE_BOT, NO_MANAGE_ROLES } from './role-reasons';

/** While a role is refused, how often its guild is read again to see whether staff fixed it. */
const RECHECK_EVERY_MS = 60_000;
/** What a member's pass kept for a refused role says in the ledger (and how the ledger finds them again). */
export const REFUSED_ERROR = 'role refused by Discord (50013)';

interface Refusal {
  hint: RefusalHint;
  /** Aborts the writes of this role queued in discord.js when the refusal is first seen. */
  writes: AbortController;
}

/**
 * Roles Discord refused to change with 50013 (Manage Roles taken from the bot, the bot's role moved below
 * them): every further change of such a role stops at once, for every member and whatever the source (the
 * request path, the worker, the sweep), instead of costing one 403 each against Discord's invalid-request
 * budget. The changes are kept; one warn line and one audit post say what staff must fix. They resume by
 * themselves when the role can be managed again: on the gateway's role and bot-member updates, or a read of
 * the guild at most once a minute.
 */
@Injectable()
export class RoleRefusals implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RoleRefusals.name);
  private readonly refused = new Map<string, Refusal>();
  /** Roles not refused, each with the signal their writes carry (aborted the moment one is refused). */
  private readonly open = new Map<string, AbortController>();
  private timer: NodeJS.Timeout | undefined;
  private resumed: ((guildId: string) => void) | undefined;

  constructor(
    private readonly client: Client,
    private readonly guildRoles: GuildRoles,
    private readonly ledger: RoleLedger,
    private readonly auditLog: RoleAuditLog,
    private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    this.metrics.gauge(
      'moddy_roles_refused',
      "Roles Discord refuses to change (50013): their changes are kept until staff fix the bot's permissions or position",
      () => this.refused.size,
    );
    const recheck = (guildId: string) => void this.recheck(guildId);
    this.client.on(Events.GuildRoleUpdate, (_old, role) => recheck(role.guild.id));
    this.client.on(Events.GuildRoleDelete, (role) => recheck(role.guild.id));
    this.client.on(Events.GuildMemberUpdate, (_old, member) => {
      if (member.id === this.client.user?.id) recheck(member.guild.id);
    });
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Who goes on with the kept changes once a role is fixed (the converger). */
  onResume(resume: (guildId: string) => void): void {
    this.resumed = resume;
  }

  isRefused(guildId: string, roleId: string): boolean {
    return this.refused.has(key(guildId, roleId));
  }

  /** Why the role is refused, for a caller's answer; undefined when it is not. */
  reasonFor(guildId: string, roleId: string): RefusalHint | undefined {
    return this.refused.get(key(guildId, roleId))?.hint;
  }

  /** The signal a write of this role carries: aborted (so a write still queued is never sent) once it is refused. */
  signalFor(guildId: string, roleId: string): AbortSignal {
    const k = key(guildId, roleId);
    let controller = this.refused.get(k)?.writes ?? this.open.get(k);
    if (!controller) {
      controller = new AbortController();
      // Every write of the role listens to it at once (a burst): that is no leak.
      setMaxListeners(0, controller.signal);
      this.open.set(k, controller);
    }
    return controller.signal;
  }

  /** Discord refused a change of this role (50013): every further change of it waits, said once. */
  async refuse(guildId: string, roleId: string): Promise<void> {
    const k = key(guildId, roleId);
    if (this.refused.has(k)) return;
    const writes = this.open.get(k) ?? new AbortController();
    this.open.delete(k);
    const refusal: Refusal = { hint: 'unknown', writes };
    this.refused.set(k, refusal);
    writes.abort();
    this.timer ??= setInterval(() => void this.recheckAll(), RECHECK_EVERY_MS).unref();
    let name = roleId;
    try {
      const guild = await this.guildRoles.read(guildId);
      const role = guild.role(roleId);
      name = role?.name ?? roleId;
      if (!guild.standing.canManageRoles) refusal.hint = 'manage_roles';
      else if (role && role.position >= guild.standing.highestPosition) refusal.hint = 'above_bot';
    } catch {
      // Discord cannot be read now: the post says what it knows
    }
    this.logger.warn(
      `Discord refused to change role ${name} (${roleId}, 50013, ${refusal.hint}): its changes are kept until this is fixed`,
    );
    await this.auditLog.roleRefused(roleId, name, refusal.hint);
  }

  private async recheckAll(): Promise<void> {
    const guilds = new Set([...this.refused.keys()].map((k) => k.split(':')[0]));
    for (const guildId of guilds) await this.recheck(guildId);
    if (this.refused.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Reads the guild afresh; every refused role of it that can be managed now goes on. */
  private async recheck(guildId: string): Promise<void> {
    const refused = [...this.refused.keys()].filter((k) => k.startsWith(`${guildId}:`));
    if (refused.length === 0) return;
    let guild;
    try {
      guild = await this.guildRoles.read(guildId);
    } catch {
      return; // tried again at the next update or minute
    }
    let resumed = 0;
    for (const k of refused) {
      const roleId = k.slice(guildId.length + 1);
      // Still the bot's standing: kept. Fixed, or another problem (the role deleted): its changes go on, and
      // the converger records whatever Discord or the check says now.
      const problem = guild.problemWith(roleId);
      if (problem === NO_MANAGE_ROLES || problem === ABOVE_BOT) continue;
      this.refused.delete(k);
      resumed++;
      this.logger.log(
        `Role ${guild.role(roleId)?.name ?? roleId} (${roleId}) can be changed again: its kept changes go on`,
      );
    }
    if (resumed === 0) return;
    await this.ledger.dueNow(guildId, REFUSED_ERROR).catch((e: Error) => this.logger.warn(e.message));
    this.resumed?.(guildId);
  }
}

const key = (guildId: string, roleId: string) => `${guildId}:${roleId}`;
