// The simulated world: users, guilds, roles, channels, members. Built from a WorldSpec with deterministic ids.
// The records are the simulator's own (permissions as bigint, ids of related objects); api*() below turn them into
// Discord's objects.
import type {
  APIBaseVoiceGuildMember,
  APIDMChannel,
  APIGuild,
  APIGuildCategoryChannel,
  APIGuildMember,
  APIGuildMemberAvatar,
  APIGuildVoiceChannel,
  APIInteractionDataResolvedGuildMember,
  APIInteractionGuildMember,
  APINewsChannel,
  APIRole,
  APITextChannel,
  APIUser,
  ChannelType,
  Locale,
  Snowflake,
} from 'discord.js';
import { ChannelTypes } from './enums';
import { ALL_PERMISSIONS, DEFAULT_EVERYONE, P, parsePermissions } from './permissions';
import { FixedSnowflakes, snowflakeTime } from './snowflake';
import type { GuildSpec, SimulatedGuildChannelType, UserSpec, World, WorldGuild, WorldSpec } from './types';

/**
 * A locale as the world spec or a test gives it (passed through unchecked, as Discord's clients would send it).
 * discord-api-types' `Locale` is a string enum, which a plain string is not assignable to.
 */
export function asLocale(locale: string): Locale {
  return locale as Locale;
}

export interface UserRec {
  id: Snowflake;
  username: string;
  globalName: string | null;
  locale: Locale;
  bot: boolean;
}

export interface RoleRec {
  id: Snowflake;
  name: string;
  permissions: bigint;
  position: number;
  color: number;
  managed: boolean;
  botRole: boolean;
}

export interface GuildChannelRec {
  id: Snowflake;
  guildId: Snowflake;
  name: string;
  type: SimulatedGuildChannelType;
  position: number;
  recipientId?: undefined;
  privateOf?: undefined;
}

/** A DM channel: the bot's DM with a user, or a private channel between two users (interaction context 2). */
export interface PrivateChannelRec {
  id: Snowflake;
  guildId: null;
  name: null;
  type: ChannelType.DM;
  position: number;
  /** The other user (the bot's DM: the user). */
  recipientId: Snowflake;
  /** A private channel between two users (interaction context 2): the user the app acts for. The bot is no member. */
  privateOf?: Snowflake;
}

export type ChannelRec = GuildChannelRec | PrivateChannelRec;

export interface MemberRec {
  userId: Snowflake;
  roles: Snowflake[];
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
  readonly channels = new Map<string, GuildChannelRec>();
  private membersMap: Map<string, MemberRec> | null = null;

  constructor(
    readonly model: WorldModel,
    readonly id: string,
    public name: string,
    public ownerId: Snowflake,
    public preferredLocale: Locale,
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

  defaultTextChannel(): GuildChannelRec | undefined {
    for (const c of this.channels.values()) if (c.type === ChannelTypes.GuildText) return c;
    return undefined;
  }

  channelByName(name: string): GuildChannelRec | undefined {
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

    this.addUser({
      id: this.botUserId,
      username: this.botName,
      globalName: null,
      locale: asLocale('en-US'),
      bot: true,
    });
    const userSpecs = new Map<string, UserSpec>();
    for (const u of DEFAULT_USERS) userSpecs.set(u.name, u);
    for (const u of spec.users ?? []) userSpecs.set(u.name, { ...userSpecs.get(u.name), ...u });
    for (const u of userSpecs.values()) {
      this.addUser({
        id: u.id ?? ids.next(),
        username: u.name,
        globalName: u.globalName ?? null,
        locale: asLocale(u.locale ?? 'en-US'),
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
      asLocale(g.preferredLocale ?? 'en-US'),
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
      asLocale('en-US'),
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
    return { id, username: `user${k.toString()}`, globalName: null, locale: asLocale('en-US'), bot: false };
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
        channels: Object.fromEntries([...g.channels.values()].map((c) => [c.name, c.id])),
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

/**
 * No flag set. discord-api-types' flag enums (UserFlags, RoleFlags, GuildMemberFlags, ChannelFlags...) have no member
 * for 0; a plain number is assignable to them.
 */
export const NO_FLAGS: number = 0;

export function apiUser(u: UserRec): APIUser {
  const out: APIUser = {
    id: u.id,
    username: u.username,
    global_name: u.globalName,
    discriminator: '0',
    avatar: null,
    public_flags: NO_FLAGS,
  };
  if (u.bot) out.bot = true;
  return out;
}

export function apiRole(r: RoleRec, botUserId: Snowflake): APIRole {
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
    flags: NO_FLAGS,
    ...(r.botRole ? { tags: { bot_id: botUserId } } : {}),
  };
}

/** A member's fields without `user` (`avatar` and `banner` always sent, as GUILD_MEMBER_UPDATE requires). */
function memberFields(m: MemberRec): Omit<APIGuildMember, 'user'> & Required<APIGuildMemberAvatar> {
  return {
    avatar: null,
    banner: null,
    communication_disabled_until: null,
    flags: NO_FLAGS,
    joined_at: m.joinedAt,
    nick: m.nick,
    pending: false,
    premium_since: null,
    roles: [...m.roles],
    deaf: false,
    mute: false,
  };
}

/** A guild member with its user (REST, GUILD_CREATE, member chunks and events). */
export function apiMember(model: WorldModel, m: MemberRec): APIGuildMember & Required<APIGuildMemberAvatar> {
  const u = model.user(m.userId);
  // the world makes members of its own users only (synthetic ones included)
  if (!u) throw new Error(`member ${m.userId} has no user`);
  return { ...memberFields(m), user: apiUser(u) };
}

/** The invoking member of an interaction: with the member's permissions in the guild. */
export function apiInteractionMember(model: WorldModel, m: MemberRec, permissions: bigint): APIInteractionGuildMember {
  return { ...apiMember(model, m), permissions: permissions.toString() };
}

/** A member in an interaction's `resolved.members`: without `user` (that is in `resolved.users`), with permissions. */
export function apiResolvedMember(
  m: MemberRec,
  permissions: bigint,
): APIInteractionDataResolvedGuildMember & APIBaseVoiceGuildMember {
  return { ...memberFields(m), permissions: permissions.toString() };
}

/** A DM channel as the simulator sends it: without the `name` discord-api-types gives DM channels. */
export type ApiDmChannel = Omit<APIDMChannel, 'name'>;
export type ApiGuildChannel = APITextChannel | APINewsChannel | APIGuildVoiceChannel | APIGuildCategoryChannel;

function guildChannelBase<T extends SimulatedGuildChannelType>(c: GuildChannelRec, type: T) {
  return {
    id: c.id,
    type,
    guild_id: c.guildId,
    name: c.name,
    position: c.position,
    permission_overwrites: [],
    parent_id: null,
    flags: NO_FLAGS,
  };
}

export function apiGuildChannel(c: GuildChannelRec): ApiGuildChannel {
  const type = c.type;
  if (type === ChannelTypes.GuildText || type === ChannelTypes.GuildAnnouncement) {
    return {
      ...guildChannelBase(c, type),
      topic: null,
      nsfw: false,
      last_message_id: null,
      rate_limit_per_user: 0,
    };
  }
  if (type === ChannelTypes.GuildVoice) {
    return {
      ...guildChannelBase(c, type),
      bitrate: 64000,
      user_limit: 0,
      rtc_region: null,
      nsfw: false,
      rate_limit_per_user: 0,
    };
  }
  return guildChannelBase(c, type);
}

export function apiDmChannel(model: WorldModel, c: PrivateChannelRec): ApiDmChannel {
  const recipient = model.user(c.recipientId);
  return {
    id: c.id,
    type: c.type,
    last_message_id: null,
    flags: NO_FLAGS,
    recipients: recipient ? [apiUser(recipient)] : [],
  };
}

export function apiChannel(model: WorldModel, c: ChannelRec): ApiDmChannel | ApiGuildChannel {
  return c.guildId === null ? apiDmChannel(model, c) : apiGuildChannel(c);
}

/**
 * A guild as GET /guilds/:id answers it (and GUILD_CREATE starts from). Discord still sends the deprecated `nsfw`,
 * which discord-api-types does not list; `hub_type` and `incidents_data` are not simulated.
 */
export type ApiGuild = Omit<APIGuild, 'hub_type' | 'incidents_data'> & { nsfw: boolean };

export function apiGuildBase(g: GuildRec): ApiGuild {
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
    system_channel_flags: NO_FLAGS,
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
