import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import {
  Client,
  Events,
  GatewayDispatchEvents,
  GatewayOpcodes,
  type APIGuildMember,
  type GatewayDispatchPayload,
} from 'discord.js';
import { AppConfig } from '../config/app-config';

/** How long a request for every member may take before it is asked again. */
const SYNC_TIMEOUT_MS = 120_000;
const NONE: readonly string[] = Object.freeze([]);

/**
 * The roles the backend manages (plan roles and MANAGED_ROLE_IDS) that each member of MODDY_GUILD_ID holds, as
 * the gateway tells them: every member once per session (REQUEST_GUILD_MEMBERS, no REST request), then each
 * join, update and leave, and the answers to the bot's own writes. discord.js caches no members (see
 * discord.module), so this keeps only role ids: about 100 bytes per member.
 *
 * It is a hint, never the last word: the converger writes what it says differs from the intent, and confirms
 * by a REST read whatever it says needs nothing (an event still on its way, a hand change a moment ago), so a
 * stale entry costs a request, never a wrong role. It answers only once it holds every member (the session's
 * list arrived), and says it cannot tell before that.
 */
@Injectable()
export class MemberRoleCache implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(MemberRoleCache.name);
  private readonly members = new Map<string, readonly string[]>();
  private readonly watched: ReadonlySet<string>;
  /** Whether `members` holds every member of the guild (the last request's chunks all arrived). */
  private synced = false;
  /** Requests made, for their nonces. */
  private requests = 0;
  /** The running request for every member: its nonce, chunks seen, and members changed by events meanwhile. */
  private request: { nonce: string; chunks: number; changed: Set<string>; timer: NodeJS.Timeout } | undefined;
  private readonly onPacket = (packet: GatewayDispatchPayload, shardId: number) => this.handle(packet, shardId);

  constructor(
    private readonly client: Client,
    private readonly config: AppConfig,
  ) {
    this.watched = config.manageableRoleIds;
  }

  onModuleInit(): void {
    const guildId = this.config.guildId;
    if (!guildId) return;
    this.client.on(Events.Raw, this.onPacket);
    // Already connected (the listener came late): the guild's GUILD_CREATE was missed, so ask now.
    const guild = this.client.isReady() ? this.client.guilds.cache.get(guildId) : undefined;
    if (guild) this.requestAll(guild.shardId);
  }

  onApplicationShutdown(): void {
    this.client.off(Events.Raw, this.onPacket);
    this.reset();
  }

  /**
   * The managed roles the member holds; null when they are not a member (as far as the gateway has told);
   * undefined when the view cannot tell.
   */
  rolesOf(guildId: string, discordId: string): ReadonlySet<string> | null | undefined {
    if (!this.synced || guildId !== this.config.guildId) return undefined;
    const roles = this.members.get(discordId);
    return roles ? new Set(roles) : null;
  }

  /** Whether the view follows this role (a role outside it is read from Discord). */
  watches(roleId: string): boolean {
    return this.watched.has(roleId);
  }

  /** Discord accepted the bot's own write: the member holds the role now (or not). */
  wrote(guildId: string, discordId: string, roleId: string, present: boolean): void {
    const roles = guildId === this.config.guildId ? this.members.get(discordId) : undefined;
    if (!roles || !this.watched.has(roleId)) return;
    const next = roles.filter((r) => r !== roleId);
    this.members.set(discordId, present ? [...next, roleId] : next);
  }

  get isSynced(): boolean {
    return this.synced;
  }

  private handle(packet: GatewayDispatchPayload, shardId: number): void {
    const guildId = this.config.guildId;
    switch (packet.t) {
      case GatewayDispatchEvents.Ready:
        // A new session: what changed since the last one was never told. Unknown until the list arrives again.
        if (packet.d.guilds.some((g) => g.id === guildId)) this.reset();
        break;
      case GatewayDispatchEvents.GuildCreate:
        if (packet.d.id === guildId) this.requestAll(shardId);
        break;
      case GatewayDispatchEvents.GuildDelete:
        if (packet.d.id === guildId) this.reset();
        break;
      case GatewayDispatchEvents.GuildMembersChunk: {
        const request = this.request;
        if (request && packet.d.guild_id === guildId && packet.d.nonce === request.nonce) {
          // An event newer than the list's snapshot was already applied: the chunk does not undo it.
          for (const m of packet.d.members) if (!request.changed.has(m.user.id)) this.set(m);
          if (++request.chunks >= packet.d.chunk_count) {
            clearTimeout(request.timer);
            this.request = undefined;
            this.synced = true;
            this.logger.log(`Member roles of the Moddy server followed from the gateway: ${this.members.size} members`);
          }
        }
        break;
      }
      case GatewayDispatchEvents.GuildMemberAdd:
      case GatewayDispatchEvents.GuildMemberUpdate:
        if (packet.d.guild_id === guildId) {
          this.request?.changed.add(packet.d.user.id);
          this.set(packet.d);
        }
        break;
      case GatewayDispatchEvents.GuildMemberRemove:
        if (packet.d.guild_id === guildId) {
          this.request?.changed.add(packet.d.user.id);
          this.members.delete(packet.d.user.id);
        }
        break;
      case GatewayDispatchEvents.RateLimited:
        // Discord refused the request for now: asked again once it allows (the view cannot tell meanwhile).
        if (this.request && packet.d.meta.nonce === this.request.nonce) {
          const retryMs = Math.ceil(packet.d.retry_after * 1000);
          clearTimeout(this.request.timer);
          this.request.timer = setTimeout(() => this.requestAll(shardId), retryMs).unref();
        }
        break;
      default:
    }
  }

  private set(member: Pick<APIGuildMember, 'user' | 'roles'>): void {
    const roles = member.roles.filter((r) => this.watched.has(r));
    this.members.set(member.user.id, roles.length > 0 ? roles : NONE);
  }

  /** Asks the gateway for every member of the guild (one REQUEST_GUILD_MEMBERS, answered in chunks of 1,000). */
  private requestAll(shardId: number): void {
    const shard = this.client.ws.shards.get(shardId);
    if (!shard) return;
    clearTimeout(this.request?.timer);
    const nonce = `moddy-roles-${++this.requests}`;
    const timer = setTimeout(() => {
      this.logger.warn('The gateway did not send every member of the Moddy server in time: asking again');
      this.requestAll(shardId);
    }, SYNC_TIMEOUT_MS).unref();
    this.request = { nonce, chunks: 0, changed: new Set(), timer };
    shard.send({
      op: GatewayOpcodes.RequestGuildMembers,
      d: { guild_id: this.config.guildId as string, query: '', limit: 0, nonce },
    });
  }

  private reset(): void {
    clearTimeout(this.request?.timer);
    this.request = undefined;
    this.synced = false;
    this.members.clear();
  }
}
