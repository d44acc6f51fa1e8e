import { Injectable } from '@nestjs/common';
import {
  Client,
  DiscordAPIError,
  PermissionFlagsBits,
  Routes,
  type APIChannel,
  type APIGuildMember,
  type APIMessage,
  type APIRole,
  type RESTPatchAPIChannelMessageJSONBody,
  type RESTPostAPIChannelMessageJSONBody,
} from 'discord.js';
import { AppConfig } from '../config/app-config';
import { DiscordErrorCode } from './discord-errors';

export interface RequestBudget {
  /** Abort the call after this many ms (the caller owes someone an answer). */
  timeoutMs?: number;
  /** Abort the call when this fires. */
  signal?: AbortSignal;
}

/** DM channel ids are stable per user; remembering them makes a repeat DM cost one request, not two. */
const DM_CHANNELS_MAX = 100_000;

/** The bot's standing in a guild, computed from REST data (not the gateway cache). */
export interface BotStanding {
  highestPosition: number;
  canManageRoles: boolean;
}

/**
 * Discord work done through REST, so that any replica can serve any callback. Wraps discord.js's REST
 * client (shared rate-limit state with the gateway client) with typed calls.
 */
@Injectable()
export class DiscordRestService {
  constructor(
    private readonly client: Client,
    config: AppConfig,
  ) {
    // Login sets the token too; setting it here lets REST calls work before the gateway is up.
    client.rest.setToken(config.discord.token);
  }

  get botUserId(): string | undefined {
    return this.client.user?.id;
  }

  private readonly dmChannels = new Map<string, string>();

  private signal(budget?: RequestBudget): AbortSignal | undefined {
    const signals = [budget?.signal, budget?.timeoutMs ? AbortSignal.timeout(budget.timeoutMs) : undefined].filter(
      (s): s is AbortSignal => s !== undefined,
    );
    return signals.length > 1 ? AbortSignal.any(signals) : signals[0];
  }

  /**
   * Sends a DM, opening the DM channel only when no channel is known: `stored` (kept with the member, so a
   * restart or another replica costs no extra request), else the one this process remembers. Gives the
   * channel back, so the caller can keep it when it is new.
   */
  async sendDm(
    userId: string,
    body: RESTPostAPIChannelMessageJSONBody,
    budget?: RequestBudget,
    stored?: string | null,
  ): Promise<{ message: APIMessage; channelId: string }> {
    const known = stored ?? this.dmChannels.get(userId);
    const channelId = known ?? (await this.openDm(userId, budget));
    try {
      return { message: await this.sendMessage(channelId, body, budget), channelId };
    } catch (error) {
      // A known channel that no longer exists: forget it and open a fresh one, once.
      if (known && error instanceof DiscordAPIError && error.code === DiscordErrorCode.UnknownChannel) {
        this.dmChannels.delete(userId);
        const fresh = await this.openDm(userId, budget);
        return { message: await this.sendMessage(fresh, body, budget), channelId: fresh };
      }
      throw error;
    }
  }

  async openDm(userId: string, budget?: RequestBudget): Promise<string> {
    const channel = (await this.client.rest.post(Routes.userChannels(), {
      body: { recipient_id: userId },
      signal: this.signal(budget),
    })) as APIChannel;
    if (this.dmChannels.size >= DM_CHANNELS_MAX) this.dmChannels.clear();
    this.dmChannels.set(userId, channel.id);
    return channel.id;
  }

  sendMessage(channelId: string, body: RESTPostAPIChannelMessageJSONBody, budget?: RequestBudget): Promise<APIMessage> {
    return this.client.rest.post(Routes.channelMessages(channelId), {
      body,
      signal: this.signal(budget),
    }) as Promise<APIMessage>;
  }

  editMessage(
    channelId: string,
    messageId: string,
    body: RESTPatchAPIChannelMessageJSONBody,
    budget?: RequestBudget,
  ): Promise<APIMessage> {
    return this.client.rest.patch(Routes.channelMessage(channelId, messageId), {
      body,
      signal: this.signal(budget),
    }) as Promise<APIMessage>;
  }

  guildRoles(guildId: string, budget?: RequestBudget): Promise<APIRole[]> {
    return this.client.rest.get(Routes.guildRoles(guildId), { signal: this.signal(budget) }) as Promise<APIRole[]>;
  }

  member(guildId: string, userId: string, budget?: RequestBudget): Promise<APIGuildMember> {
    return this.client.rest.get(Routes.guildMember(guildId, userId), {
      signal: this.signal(budget),
    }) as Promise<APIGuildMember>;
  }

  /** One page of a guild's members (at most 1000), in id order after `after`. */
  listMembers(guildId: string, after: string, limit = 1000, budget?: RequestBudget): Promise<APIGuildMember[]> {
    return this.client.rest.get(Routes.guildMembers(guildId), {
      query: new URLSearchParams({ limit: String(limit), after }),
      signal: this.signal(budget),
    }) as Promise<APIGuildMember[]>;
  }

  /**
   * The bot's own role ids in a guild, from the gateway (discord.js keeps the bot's member and follows its
   * updates), so that checking the bot's standing does not queue behind slow member reads. Undefined when
   * this process has no such guild in its cache (another shard, or not ready yet).
   */
  cachedBotRoleIds(guildId: string): string[] | undefined {
    const me = this.client.guilds.cache.get(guildId)?.members.me;
    return me ? [...me.roles.cache.keys()] : undefined;
  }

  private ownId: string | undefined;

  /** The bot's own user id (read once: it never changes). */
  async botUser(): Promise<string> {
    this.ownId ??= this.client.user?.id ?? ((await this.client.rest.get(Routes.user('@me'))) as { id: string }).id;
    return this.ownId;
  }

  async addRole(guildId: string, userId: string, roleId: string, reason: string, signal?: AbortSignal): Promise<void> {
    await this.client.rest.put(Routes.guildMemberRole(guildId, userId, roleId), { reason, signal });
  }

  async removeRole(
    guildId: string,
    userId: string,
    roleId: string,
    reason: string,
    signal?: AbortSignal,
  ): Promise<void> {
    await this.client.rest.delete(Routes.guildMemberRole(guildId, userId, roleId), { reason, signal });
  }
}

/** The bot's highest role position and whether it may manage roles, from its member and the guild's roles. */
export function botStanding(guildId: string, botMember: Pick<APIGuildMember, 'roles'>, roles: APIRole[]): BotStanding {
  const byId = new Map(roles.map((r) => [r.id, r]));
  const own = [guildId, ...botMember.roles].map((id) => byId.get(id)).filter((r): r is APIRole => r !== undefined);
  const permissions = own.reduce((acc, r) => acc | BigInt(r.permissions), 0n);
  const canManageRoles =
    (permissions & PermissionFlagsBits.Administrator) !== 0n || (permissions & PermissionFlagsBits.ManageRoles) !== 0n;
  return { highestPosition: Math.max(0, ...own.map((r) => r.position)), canManageRoles };
}
