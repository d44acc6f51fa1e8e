// The simulated world: users, guilds, roles, channels, members. Built from a WorldSpec with deterministic ids.
import { ALL_PERMISSIONS, DEFAULT_EVERYONE, P, parsePermissions } from './permissions';
import { FixedSnowflakes, snowflakeTime } from './snowflake';
import type { GuildSpec, SimUser, UserSpec, World, WorldGuild, WorldSpec } from './types';

export interface UserRec {
  id: string;
  username: string;
  globalName: string | null;
  locale: string;
  bot: boolean;
}

export interface RoleRec {
  id: string;
  name: string;
  permissions: bigint;
  position: number;
  color: number;
  managed: boolean;
  botRole: boolean;
}

export interface ChannelRec {
  id: string;
  guildId: string | null;
  name: string | null;
  type: number;
  position: number;
  /** DM channels only: the other user (the bot's DM: the user). */
  recipientId?: string;
  /** A private channel between two users (interaction context 2): the user the app acts for. The bot is no member. */
  privateOf?: string;
}

export interface MemberRec {
  userId: string;
  roles: string[];
  nick: string | null;
  joinedAt: string;
}

export interface SyntheticInfo {
  index: number;
  count: number;
  distinctUsers: boolean;
}

export class GuildRec {
  readonly roles = new Map<string, RoleRec>();
  readonly channels = new Map<string, ChannelRec>();
  private membersMap: Map<string, MemberRec> | null = null;

  constructor(
    readonly model: WorldModel,
    readonly id: string,
    public name: string,
    public ownerId: string,
    public preferredLocale: string,
    readonly synthetic: SyntheticInfo | null,
    initialMembers: Map<string, MemberRec> | null,
  ) {
    this.membersMap = initialMembers;
  }

  get everyoneRoleId(): string {
    return this.id;
  }

  /** Members (generated lazily for synthetic guilds). */
  get members(): Map<string, MemberRec> {
    if (!this.membersMap) {
      const map = new Map<string, MemberRec>();
      const joinedAt = new Date(snowflakeTime(this.id)).toISOString();
      if (this.synthetic) {
        for (let m = 0; m < this.synthetic.count; m++) {
          const userId = this.model.syntheticUserId(this.synthetic.index, m, this.synthetic.distinctUsers);
          map.set(userId, { userId, roles: [], nick: null, joinedAt });
        }
      }
      const botRole = [...this.roles.values()].find((r) => r.botRole);
      map.set(this.model.botUserId, {
        userId: this.model.botUserId,
        roles: botRole ? [botRole.id] : [],
        nick: null,
        joinedAt,
      });
      this.membersMap = map;
    }
    return this.membersMap;
  }

  get memberCount(): number {
    if (this.membersMap) return this.membersMap.size;
    return (this.synthetic?.count ?? 0) + 1;
  }

  get botMember(): MemberRec {
    const m = this.members.get(this.model.botUserId);
    if (!m) throw new Error('bot is not a member of ' + this.id);
    return m;
  }

  role(id: string): RoleRec | undefined {
    return this.roles.get(id);
  }

  roleByName(name: string): RoleRec | undefined {
    for (const r of this.roles.values()) if (r.name === name) return r;
    return undefined;
  }

  /** Highest role position of a member (0 = only @everyone). */
  highestPosition(member: MemberRec): number {
    let max = 0;
    for (const id of member.roles) {
      const r = this.roles.get(id);
      if (r && r.position > max) max = r.position;
    }
    return max;
  }

  /** Guild-level permissions of a member (no channel overwrites exist in the sim). */
  permissionsOf(member: MemberRec): bigint {
    if (member.userId === this.ownerId) return ALL_PERMISSIONS;
    let perms = this.roles.get(this.everyoneRoleId)?.permissions ?? 0n;
    for (const id of member.roles) perms |= this.roles.get(id)?.permissions ?? 0n;
    if (perms & P.ADMINISTRATOR) return ALL_PERMISSIONS;
    return perms;
  }

  defaultTextChannel(): ChannelRec | undefined {
    for (const c of this.channels.values()) if (c.type === 0) return c;
    return undefined;
  }

  channelByName(name: string): ChannelRec | undefined {
    for (const c of this.channels.values()) if (c.name === name) return c;
    return undefined;
  }
}

const DEFAULT_USERS: UserSpec[] = [
  { name: 'alice', locale: 'en-US', globalName: 'Alice' },
  { name: 'bob', locale: 'fr', globalName: 'Bob' },
  { name: 'carol', locale: 'en-GB', globalName: 'Carol' },
  { name: 'dave', locale: 'de', globalName: 'Dave' },
  { name: 'erin', locale: 'es-ES', globalName: 'Erin' },
  { name: 'frank', locale: 'en-US', globalName: 'Frank' },
  { name: 'admin', locale: 'en-US', globalName: 'Admin' },
];

export function defaultGuildSpec(): GuildSpec {
  return {
    name: 'Moddy',
    owner: 'admin',
    preferredLocale: 'en-US',
    roles: [
      { name: 'premium', position: 1, color: 0xf1c40f },
      { name: 'admin', position: 2, permissions: P.ADMINISTRATOR.toString(), color: 0xe74c3c },
      {
        name: 'bot',
        position: 3,
        botRole: true,
        permissions: (
          P.MANAGE_ROLES |
          P.VIEW_CHANNEL |
          P.SEND_MESSAGES |
          P.EMBED_LINKS |
          P.READ_MESSAGE_HISTORY
        ).toString(),
      },
      { name: 'aboveBot', position: 4 },
    ],
    channels: [
      { name: 'general', type: 0 },
      { name: 'announcements', type: 0 },
      { name: 'voice', type: 2 },
    ],
    members: [
      { user: 'alice' },
      { user: 'bob', roles: ['premium'] },
      { user: 'dave' },
      { user: 'erin' },
      { user: 'frank' },
      { user: 'admin', roles: ['admin'] },
    ],
  };
}

/** The world's fixed base time (ids of the fixture are minted around it). */
const WORLD_BASE_MS = Date.UTC(2021, 5, 1);
const SYNTHETIC_GUILD_BASE = 900000000000000000n;
const SYNTHETIC_USER_BASE = 910000000000000000n;
const SYNTHETIC_ROLE_BASE = 920000000000000000n;
const SYNTHETIC_CHANNEL_BASE = 930000000000000000n;

export class WorldModel {
  readonly users = new Map<string, UserRec>();
  readonly usersByName = new Map<string, UserRec>();
  readonly guilds = new Map<string, GuildRec>();
  readonly applicationId: string;
  readonly botUserId: string;
  readonly botName: string;
  readonly applicationFlags: number;
  readonly mainGuildId: string;
  readonly syntheticGuildIds: string[] = [];
  readonly guildCreateMembers: 'discord' | 'all';
  private readonly synthetic: WorldSpec['synthetic'];

  constructor(readonly spec: WorldSpec) {
    const ids = new FixedSnowflakes(WORLD_BASE_MS);
    this.applicationId = spec.applicationId ?? ids.next();
    this.botUserId = spec.botUserId ?? this.applicationId;
    this.botName = spec.botName ?? 'Moddy';
    // GATEWAY_PRESENCE_LIMITED (1<<13) | GATEWAY_GUILD_MEMBERS_LIMITED (1<<15) | GATEWAY_MESSAGE_CONTENT_LIMITED (1<<19)
    this.applicationFlags = spec.applicationFlags ?? (1 << 13) | (1 << 15) | (1 << 19);
    this.guildCreateMembers = spec.guildCreateMembers ?? 'discord';
    this.synthetic = spec.synthetic;

    this.addUser({ id: this.botUserId, username: this.botName, globalName: null, locale: 'en-US', bot: true });
    const userSpecs = new Map<string, UserSpec>();
    for (const u of DEFAULT_USERS) userSpecs.set(u.name, u);
    for (const u of spec.users ?? []) userSpecs.set(u.name, { ...userSpecs.get(u.name), ...u });
    for (const u of userSpecs.values()) {
      this.addUser({
        id: u.id ?? ids.next(),
        username: u.name,
        globalName: u.globalName ?? null,
        locale: u.locale ?? 'en-US',
        bot: u.bot ?? false,
      });
    }

    const guildSpecs = spec.guilds ?? [defaultGuildSpec()];
    if (guildSpecs.length === 0) throw new Error('world needs at least one guild');
    for (const g of guildSpecs) this.addGuild(g, ids);
    this.mainGuildId = this.guilds.keys().next().value as string;

    if (spec.synthetic && spec.synthetic.guilds > 0) {
      for (let i = 0; i < spec.synthetic.guilds; i++) this.addSyntheticGuild(i, spec.synthetic);
    }
  }

  private addUser(u: UserRec): void {
    this.users.set(u.id, u);
    this.usersByName.set(u.username, u);
  }

  private addGuild(g: GuildSpec, ids: FixedSnowflakes): void {
    const id = g.id ?? ids.next();
    const members = new Map<string, MemberRec>();
    const ownerUser = g.owner ? this.usersByName.get(g.owner) : undefined;
    const guild = new GuildRec(
      this,
      id,
      g.name,
      ownerUser?.id ?? this.botUserId,
      g.preferredLocale ?? 'en-US',
      null,
      members,
    );
    guild.roles.set(id, {
      id,
      name: '@everyone',
      permissions: g.everyonePermissions ? BigInt(g.everyonePermissions) : DEFAULT_EVERYONE,
      position: 0,
      color: 0,
      managed: false,
      botRole: false,
    });
    (g.roles ?? []).forEach((r, i) => {
      const roleId = r.id ?? ids.next();
      guild.roles.set(roleId, {
        id: roleId,
        name: r.name,
        permissions: parsePermissions(r.permissions),
        position: r.position ?? i + 1,
        color: r.color ?? 0,
        managed: r.botRole ?? false,
        botRole: r.botRole ?? false,
      });
    });
    (g.channels ?? [{ name: 'general' }]).forEach((c, i) => {
      const cid = c.id ?? ids.next();
      guild.channels.set(cid, { id: cid, guildId: id, name: c.name, type: c.type ?? 0, position: i });
    });
    const joinedAt = new Date(WORLD_BASE_MS + 86400000).toISOString();
    for (const m of g.members ?? []) {
      const user = this.usersByName.get(m.user);
      if (!user) throw new Error(`guild ${g.name}: unknown member user ${m.user}`);
      const roles = (m.roles ?? []).map((name) => {
        const role = guild.roleByName(name);
        if (!role) throw new Error(`guild ${g.name}: unknown role ${name}`);
        return role.id;
      });
      members.set(user.id, { userId: user.id, roles, nick: m.nick ?? null, joinedAt });
    }
    const botRole = [...guild.roles.values()].find((r) => r.botRole);
    members.set(this.botUserId, {
      userId: this.botUserId,
      roles: botRole ? [botRole.id] : [],
      nick: null,
      joinedAt,
    });
    if (!members.has(guild.ownerId)) guild.ownerId = this.botUserId;
    this.guilds.set(id, guild);
  }

  private addSyntheticGuild(index: number, s: NonNullable<WorldSpec['synthetic']>): void {
    // one millisecond of snowflake time apart, so that (id >> 22) % num_shards spreads them over the shards
    const id = (SYNTHETIC_GUILD_BASE + (BigInt(index) << 22n)).toString();
    const guild = new GuildRec(
      this,
      id,
      `Synthetic ${index}`,
      this.botUserId,
      'en-US',
      {
        index,
        count: s.membersPerGuild,
        distinctUsers: s.distinctUsers ?? true,
      },
      null,
    );
    guild.roles.set(id, {
      id,
      name: '@everyone',
      permissions: DEFAULT_EVERYONE,
      position: 0,
      color: 0,
      managed: false,
      botRole: false,
    });
    const botRoleId = (SYNTHETIC_ROLE_BASE + BigInt(index * 2)).toString();
    guild.roles.set(botRoleId, {
      id: botRoleId,
      name: 'bot',
      permissions: P.MANAGE_ROLES | P.VIEW_CHANNEL | P.SEND_MESSAGES,
      position: 2,
      color: 0,
      managed: true,
      botRole: true,
    });
    const premiumId = (SYNTHETIC_ROLE_BASE + BigInt(index * 2 + 1)).toString();
    guild.roles.set(premiumId, {
      id: premiumId,
      name: 'premium',
      permissions: 0n,
      position: 1,
      color: 0,
      managed: false,
      botRole: false,
    });
    const channelId = (SYNTHETIC_CHANNEL_BASE + BigInt(index)).toString();
    guild.channels.set(channelId, { id: channelId, guildId: id, name: 'general', type: 0, position: 0 });
    this.guilds.set(id, guild);
    this.syntheticGuildIds.push(id);
  }

  syntheticUserId(guildIndex: number, memberIndex: number, distinct: boolean): string {
    const per = this.synthetic?.membersPerGuild ?? 0;
    const k = distinct ? guildIndex * per + memberIndex : memberIndex;
    return (SYNTHETIC_USER_BASE + BigInt(k)).toString();
  }

  /** Users by id, generating synthetic ones on demand. */
  user(id: string): UserRec | undefined {
    const u = this.users.get(id);
    if (u) return u;
    if (!this.synthetic || !/^\d+$/.test(id)) return undefined;
    const k = BigInt(id) - SYNTHETIC_USER_BASE;
    const per = this.synthetic.membersPerGuild;
    const max = (this.synthetic.distinctUsers ?? true) ? per * this.synthetic.guilds : per;
    if (k < 0n || k >= BigInt(max)) return undefined;
    return { id, username: `user${k.toString()}`, globalName: null, locale: 'en-US', bot: false };
  }

  /** Resolve a user by name or id. */
  resolveUser(nameOrId: string): UserRec | undefined {
    return this.usersByName.get(nameOrId) ?? this.user(nameOrId);
  }

  guild(id: string): GuildRec | undefined {
    return this.guilds.get(id);
  }

  get mainGuild(): GuildRec {
    return this.guilds.get(this.mainGuildId) as GuildRec;
  }

  summary(): World {
    const main = this.mainGuild;
    const guilds: WorldGuild[] = [];
    for (const g of this.guilds.values()) {
      if (g.synthetic) continue;
      guilds.push({
        id: g.id,
        name: g.name,
        roles: roleNames(g),
        channels: Object.fromEntries([...g.channels.values()].map((c) => [c.name ?? c.id, c.id])),
        memberCount: g.memberCount,
      });
    }
    const users: Record<string, string> = {};
    const locales: Record<string, string> = {};
    for (const u of this.users.values()) {
      users[u.username] = u.id;
      locales[u.username] = u.locale;
    }
    return {
      applicationId: this.applicationId,
      botUserId: this.botUserId,
      botName: this.botName,
      guildId: main.id,
      guildName: main.name,
      channelId: main.defaultTextChannel()?.id ?? '',
      users,
      locales,
      roles: roleNames(main),
      channels: guilds[0].channels,
      guilds,
      syntheticGuildIds: [...this.syntheticGuildIds],
    };
  }
}

function roleNames(g: GuildRec): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of g.roles.values()) out[r.name === '@everyone' ? 'everyone' : r.name] = r.id;
  return out;
}

// ---- API shapes -------------------------------------------------------------------------------

export function apiUser(u: UserRec): SimUser {
  const out: SimUser = {
    id: u.id,
    username: u.username,
    global_name: u.globalName,
    discriminator: '0',
    avatar: null,
    public_flags: 0,
  };
  if (u.bot) out.bot = true;
  return out;
}

export function apiRole(r: RoleRec, botUserId: string): Record<string, unknown> {
  return {
    id: r.id,
    name: r.name,
    color: r.color,
    colors: { primary_color: r.color, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position: r.position,
    permissions: r.permissions.toString(),
    managed: r.managed,
    mentionable: false,
    flags: 0,
    ...(r.botRole ? { tags: { bot_id: botUserId } } : {}),
  };
}

export function apiMember(
  model: WorldModel,
  m: MemberRec,
  opts: { withUser?: boolean; permissions?: bigint } = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    avatar: null,
    banner: null,
    communication_disabled_until: null,
    flags: 0,
    joined_at: m.joinedAt,
    nick: m.nick,
    pending: false,
    premium_since: null,
    roles: [...m.roles],
    deaf: false,
    mute: false,
  };
  if (opts.withUser !== false) {
    const u = model.user(m.userId);
    if (u) out.user = apiUser(u);
  }
  if (opts.permissions !== undefined) out.permissions = opts.permissions.toString();
  return out;
}

export function apiChannel(model: WorldModel, c: ChannelRec): Record<string, unknown> {
  if (c.guildId === null) {
    const recipient = c.recipientId ? model.user(c.recipientId) : undefined;
    return {
      id: c.id,
      type: 1,
      last_message_id: null,
      flags: 0,
      recipients: recipient ? [apiUser(recipient)] : [],
    };
  }
  const base: Record<string, unknown> = {
    id: c.id,
    type: c.type,
    guild_id: c.guildId,
    name: c.name,
    position: c.position,
    permission_overwrites: [],
    parent_id: null,
    flags: 0,
  };
  if (c.type === 0 || c.type === 5) {
    Object.assign(base, { topic: null, nsfw: false, last_message_id: null, rate_limit_per_user: 0 });
  } else if (c.type === 2) {
    Object.assign(base, { bitrate: 64000, user_limit: 0, rtc_region: null, nsfw: false, rate_limit_per_user: 0 });
  }
  return base;
}

export function apiGuildBase(g: GuildRec): Record<string, unknown> {
  return {
    id: g.id,
    name: g.name,
    icon: null,
    icon_hash: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: g.ownerId,
    region: 'deprecated',
    afk_channel_id: null,
    afk_timeout: 300,
    widget_enabled: false,
    widget_channel_id: null,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: g.defaultTextChannel()?.id ?? null,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    max_presences: null,
    max_members: 500000,
    vanity_url_code: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: g.preferredLocale,
    max_video_channel_users: 25,
    max_stage_video_channel_users: 50,
    nsfw_level: 0,
    nsfw: false,
    premium_progress_bar_enabled: false,
    emojis: [],
    stickers: [],
    roles: [...g.roles.values()].map((r) => apiRole(r, g.model.botUserId)),
  };
}
