// Interactions: building INTERACTION_CREATE payloads for slash commands and button clicks the way Discord does,
// and the response side (callback, @original, follow-ups, 3 s deadline, 15 min token lifetime).
import { randomBytes } from 'node:crypto';
import type {
  APIApplicationCommandInteractionDataBasicOption,
  APIApplicationCommandInteractionDataOption,
  APIButtonComponent,
  APIChatInputApplicationCommandInteraction,
  APIChatInputApplicationCommandInteractionData,
  APIInteraction,
  APIInteractionDataResolved,
  APIMessageButtonInteractionData,
  InteractionContextType,
  InteractionType,
  Permissions,
  RESTAPIInteractionCallbackObject,
  RESTPatchAPIInteractionFollowupJSONBody,
  RESTPostAPIInteractionCallbackWithResponseResult,
  RESTPostAPIInteractionFollowupJSONBody,
  Snowflake,
} from 'discord.js';
import { ButtonStyles, CallbackTypes, ContextTypes, InteractionTypes, MessageTypes } from './enums';
import { ApiError, Errors } from './errors';
import { ALL_PERMISSIONS, DM_APP_PERMISSIONS, P } from './permissions';
import type { Simulator } from './sim';
import type {
  ClickOptions,
  CommandOptionRecord,
  InteractionCallbackBody,
  InteractionCallbackRecord,
  InteractionStatus,
  InteractionView,
  MessageBody,
  RegisteredCommand,
  SimInteractionMetadata,
  SimMessage,
  SlashOptions,
  WithStoredAttachments,
} from './types';
import { isObject } from './validation';
import {
  apiDmChannel,
  apiGuildChannel,
  apiInteractionMember,
  apiResolvedMember,
  apiRole,
  apiUser,
  asLocale,
  type ChannelRec,
  type GuildRec,
  type UserRec,
} from './world';

const EPHEMERAL = 64;
const LOADING = 128;

type SlashOption = APIApplicationCommandInteractionDataOption<InteractionType.ApplicationCommand>;
type SlashLeafOption = APIApplicationCommandInteractionDataBasicOption<InteractionType.ApplicationCommand>;

/** An interaction's `channel`. Discord adds the bot's `permissions` in guild channels (not in discord-api-types). */
type InteractionChannel = APIChatInputApplicationCommandInteraction['channel'] & { permissions?: Permissions };

/** Where an interaction happens: the guild fields, or the user's for a DM or a private channel. */
type InteractionPlace = Pick<
  APIChatInputApplicationCommandInteraction,
  'guild_id' | 'guild' | 'guild_locale' | 'member' | 'user' | 'app_permissions' | 'authorizing_integration_owners'
> &
  Required<Pick<APIChatInputApplicationCommandInteraction, 'context'>>;

/**
 * The answer of a callback with `?with_response=true`. Discord also sends `channel_id` and `guild_id`, and
 * `activity_instance_id: null`, none of which discord-api-types lists.
 */
type CallbackResponse = Omit<RESTPostAPIInteractionCallbackWithResponseResult, 'interaction'> & {
  interaction: Omit<RESTAPIInteractionCallbackObject, 'activity_instance_id'> & {
    activity_instance_id: null;
    channel_id: Snowflake;
    guild_id?: Snowflake;
  };
};

interface InteractionStateBase {
  id: string;
  token: string;
  kind: 'slash' | 'click';
  userId: string;
  guildId: string | null;
  channelId: string;
  /** 0 guild, 1 bot DM, 2 private channel (user install). */
  context: InteractionContextType;
  commandName?: string;
  customId?: string;
  createdAt: number;
  status: InteractionStatus;
  failure?: string;
  callbacks: InteractionCallbackRecord[];
  /** The message `@original` refers to (for components: the clicked message until a reply is made). */
  originalId: string | null;
  deferred: 'reply' | 'update' | null;
  ephemeral: boolean;
  edits: InteractionView['edits'];
  followUpIds: string[];
  modal?: NonNullable<InteractionView['modal']>;
  timer?: NodeJS.Timeout;
}

type InteractionState = InteractionStateBase &
  (
    | { type: InteractionType.ApplicationCommand; sourceMessageId?: undefined }
    /** A button click: `sourceMessageId` is the message the button was on. */
    | { type: InteractionType.MessageComponent; sourceMessageId: string }
  );

/** A refusal of the simulated Discord client (the user could not have done this). */
function refuse(msg: string): ApiError {
  return new ApiError(400, 0, msg);
}

export class Interactions {
  private readonly byId = new Map<string, InteractionState>();
  private readonly byToken = new Map<string, InteractionState>();

  constructor(private readonly sim: Simulator) {}

  clear(): void {
    for (const s of this.byId.values()) if (s.timer) clearTimeout(s.timer);
    this.byId.clear();
    this.byToken.clear();
  }

  // ---- dispatch ----------------------------------------------------------------------------------

  slash(o: SlashOptions): InteractionView {
    const sim = this.sim;
    const model = sim.model;
    const user = model.resolveUser(o.user);
    if (!user) throw refuse(`unknown user ${o.user}`);
    if (o.context !== undefined && o.context !== 0 && o.guildId) throw refuse(`context ${o.context} has no guild`);
    const guildId = o.context === 1 || o.context === 2 ? null : o.guildId === undefined ? model.mainGuildId : o.guildId;
    if (o.context === 0 && guildId === null) throw refuse('context 0 needs a guild');
    const guild = guildId === null ? null : (model.guild(guildId) ?? null);
    if (guildId !== null && !guild) throw refuse(`unknown guild ${guildId}`);
    const member = guild ? guild.members.get(user.id) : undefined;
    if (guild && !member) throw refuse(`${user.username} is not a member of ${guild.name}`);

    const cmd = this.findCommand(o.name, guild?.id ?? null);
    if (!cmd)
      throw refuse(
        `no chat input command named "${o.name}" is registered${guild ? ` for guild ${guild.id} or globally` : ' globally'}`,
      );
    const context = guild ? 0 : (o.context ?? 1);
    const contexts = cmd.guild_id ? [0] : (cmd.contexts ?? (cmd.dm_permission === false ? [0] : [0, 1, 2]));
    if (!contexts.includes(context)) {
      const where = ['guilds', 'DMs', 'private channels'][context];
      throw refuse(`command "${cmd.name}" is not available in ${where} (contexts ${JSON.stringify(cmd.contexts)})`);
    }
    if (context === 2 && !cmd.integration_types.includes(1)) {
      throw refuse(
        `command "${cmd.name}" is not user-installable (integration_types ${JSON.stringify(cmd.integration_types)})`,
      );
    }
    let perms = DM_APP_PERMISSIONS;
    if (guild && member) {
      perms = guild.permissionsOf(member);
      if ((perms & P.USE_APPLICATION_COMMANDS) === 0n) throw refuse(`${user.username} cannot use application commands`);
      if (cmd.default_member_permissions !== null) {
        const need = BigInt(cmd.default_member_permissions);
        const ok = need === 0n ? perms === ALL_PERMISSIONS : (perms & need) === need;
        if (!ok)
          throw refuse(
            `${user.username} lacks default_member_permissions ${cmd.default_member_permissions} for "${cmd.name}"`,
          );
      }
    }
    let channel: ChannelRec;
    if (context === 2) {
      const other =
        (o.privateChannelWith ? model.resolveUser(o.privateChannelWith) : undefined) ??
        [...model.users.values()].find((u) => !u.bot && u.id !== user.id);
      if (!other) throw refuse('no other user for a private channel');
      channel = sim.privateChannel(user, other);
    } else {
      channel = this.pickChannel(guild, user, o.channel);
    }
    const resolved: APIInteractionDataResolved = {};
    const options = this.buildOptions(cmd, o, guild, resolved);

    const data: APIChatInputApplicationCommandInteractionData = { id: cmd.id, name: cmd.name, type: 1 };
    if (cmd.guild_id) data.guild_id = cmd.guild_id;
    if (options.length) data.options = options;
    if (Object.keys(resolved).length) data.resolved = resolved;
    const fullName = [cmd.name, o.group, o.subcommand].filter(Boolean).join(' ');
    return this.dispatch({
      kind: 'slash',
      type: 2,
      user,
      guild,
      channel,
      data,
      locale: o.locale,
      commandName: fullName,
      userInstall: context === 2,
    });
  }

  click(o: ClickOptions): InteractionView {
    const sim = this.sim;
    const user = sim.model.resolveUser(o.user);
    if (!user) throw refuse(`unknown user ${o.user}`);
    let message: SimMessage | undefined;
    if ('token' in o.messageOf) {
      const s = this.byId.get(o.messageOf.id);
      if (!s) throw refuse(`unknown interaction ${o.messageOf.id}`);
      if (!s.originalId) throw refuse(`interaction ${s.id} has no message yet (status ${s.status})`);
      message = sim.messageIndex.get(s.originalId);
    } else {
      message = sim.messageIndex.get(o.messageOf.messageId);
      if (message && message.channel_id !== o.messageOf.channelId) message = undefined;
    }
    if (!message || message.deleted) throw refuse('message not found');
    if (message.flags & LOADING) throw refuse('message is still a deferred "thinking" placeholder');
    if (message.ephemeral) {
      const owner = [...this.byId.values()].find(
        (s) => s.originalId === message.id || s.followUpIds.includes(message.id),
      );
      if (owner && owner.userId !== user.id) throw refuse('ephemeral message belongs to another user');
    }
    const button = findButton(message.components, o.customId);
    if (!button) throw refuse(`no button with custom_id "${o.customId}" on message ${message.id}`);
    if (button.disabled === true) throw refuse(`button "${o.customId}" is disabled`);
    if (button.style === ButtonStyles.Link || button.style === ButtonStyles.Premium)
      throw refuse(`button "${o.customId}" is a link/premium button`);
    const channel = sim.channel(message.channel_id);
    if (!channel) throw refuse('message channel vanished');
    const guild = channel.guildId ? (sim.model.guild(channel.guildId) ?? null) : null;
    if (guild && !guild.members.has(user.id)) throw refuse(`${user.username} is not a member of ${guild.name}`);
    if (!guild && channel.recipientId !== user.id && channel.privateOf !== user.id) {
      throw refuse(`${user.username} cannot see that DM`);
    }
    const data: APIMessageButtonInteractionData = { custom_id: o.customId, component_type: 2 };
    return this.dispatch({
      kind: 'click',
      type: 3,
      user,
      guild,
      channel,
      data,
      locale: o.locale,
      customId: o.customId,
      message,
      userInstall: channel.privateOf !== undefined,
    });
  }

  private findCommand(name: string, guildId: string | null): RegisteredCommand | undefined {
    const isChat = (c: RegisteredCommand): boolean => c.type === 1 && c.name === name;
    if (guildId) {
      const g = this.sim.guildCommands.get(guildId);
      const found = g ? [...g.values()].find(isChat) : undefined;
      if (found) return found;
    }
    return [...this.sim.globalCommands.values()].find(isChat);
  }

  private pickChannel(guild: GuildRec | null, user: UserRec, wanted?: string): ChannelRec {
    if (!guild) return this.sim.dmChannel(user);
    if (wanted) {
      const c = guild.channels.get(wanted) ?? guild.channelByName(wanted);
      if (!c) throw refuse(`unknown channel ${wanted} in ${guild.name}`);
      return c;
    }
    const c = guild.defaultTextChannel();
    if (!c) throw refuse(`guild ${guild.name} has no text channel`);
    return c;
  }

  private buildOptions(
    cmd: RegisteredCommand,
    o: SlashOptions,
    guild: GuildRec | null,
    resolved: APIInteractionDataResolved,
  ): SlashOption[] {
    const top = cmd.options ?? [];
    const hasSubs = top.some((x) => x.type === 1 || x.type === 2);
    const given = o.options ?? {};
    if (o.group) {
      const group = top.find((x) => x.type === 2 && x.name === o.group);
      if (!group) throw refuse(`command "${cmd.name}" has no subcommand group "${o.group}"`);
      if (!o.subcommand) throw refuse(`subcommand group "${o.group}" needs a subcommand`);
      const sub = (group.options ?? []).find((x) => x.type === 1 && x.name === o.subcommand);
      if (!sub) throw refuse(`group "${o.group}" has no subcommand "${o.subcommand}"`);
      const leaf = this.leafOptions(sub.options ?? [], given, guild, resolved);
      return [{ type: 2, name: group.name, options: [{ type: 1, name: sub.name, options: leaf }] }];
    }
    if (o.subcommand) {
      const sub = top.find((x) => x.type === 1 && x.name === o.subcommand);
      if (!sub) throw refuse(`command "${cmd.name}" has no subcommand "${o.subcommand}"`);
      return [{ type: 1, name: sub.name, options: this.leafOptions(sub.options ?? [], given, guild, resolved) }];
    }
    if (hasSubs) throw refuse(`command "${cmd.name}" needs a subcommand`);
    return this.leafOptions(top, given, guild, resolved);
  }

  private leafOptions(
    defs: CommandOptionRecord[],
    given: Record<string, string | number | boolean>,
    guild: GuildRec | null,
    resolved: APIInteractionDataResolved,
  ): SlashLeafOption[] {
    for (const k of Object.keys(given)) {
      if (!defs.some((d) => d.name === k))
        throw refuse(`unknown option "${k}" (known: ${defs.map((d) => d.name).join(', ') || 'none'})`);
    }
    const out: SlashLeafOption[] = [];
    for (const d of defs) {
      const v = given[d.name];
      if (v === undefined) {
        if (d.required) throw refuse(`required option "${d.name}" missing`);
        continue;
      }
      out.push(this.leafOption(d, v, guild, resolved));
    }
    return out;
  }

  /** The option as the interaction carries it (`{name, type, value}`), its users, members, roles in `resolved`. */
  private leafOption(
    d: CommandOptionRecord,
    v: string | number | boolean,
    guild: GuildRec | null,
    resolved: APIInteractionDataResolved,
  ): SlashLeafOption {
    const sim = this.sim;
    const checkChoices = (value: string | number): void => {
      if (d.choices && d.choices.length && !d.choices.some((c) => c.value === value)) {
        throw refuse(
          `option "${d.name}": ${JSON.stringify(value)} is not one of the choices ${JSON.stringify(d.choices.map((c) => c.value))}`,
        );
      }
    };
    const name = d.name;
    switch (d.type) {
      case 3: {
        const s = String(v);
        const len = [...s].length;
        if (d.min_length !== undefined && len < d.min_length)
          throw refuse(`option "${d.name}" shorter than ${d.min_length}`);
        if (d.max_length !== undefined && len > d.max_length)
          throw refuse(`option "${d.name}" longer than ${d.max_length}`);
        if (len > 6000) throw refuse(`option "${d.name}" too long`);
        checkChoices(s);
        return { name, type: d.type, value: s };
      }
      case 4:
      case 10: {
        const n = typeof v === 'number' ? v : Number(v);
        if (!Number.isFinite(n)) throw refuse(`option "${d.name}" must be a number`);
        if (d.type === 4 && !Number.isInteger(n)) throw refuse(`option "${d.name}" must be an integer`);
        if (Math.abs(n) > 2 ** 53) throw refuse(`option "${d.name}" out of range`);
        if (d.min_value !== undefined && n < d.min_value)
          throw refuse(`option "${d.name}" below min_value ${d.min_value}`);
        if (d.max_value !== undefined && n > d.max_value)
          throw refuse(`option "${d.name}" above max_value ${d.max_value}`);
        checkChoices(n);
        return { name, type: d.type, value: n };
      }
      case 5: {
        if (typeof v === 'boolean') return { name, type: d.type, value: v };
        if (v === 'true' || v === 'false') return { name, type: d.type, value: v === 'true' };
        throw refuse(`option "${d.name}" must be a boolean`);
      }
      case 6:
      case 9: {
        const u = sim.model.resolveUser(String(v));
        if (u) {
          (resolved.users ??= {})[u.id] = apiUser(u);
          const m = guild?.members.get(u.id);
          if (guild && m) (resolved.members ??= {})[u.id] = apiResolvedMember(m, guild.permissionsOf(m));
          return { name, type: d.type, value: u.id };
        }
        if (d.type === 9 && guild) {
          const r = guild.role(String(v)) ?? guild.roleByName(String(v));
          if (r) {
            (resolved.roles ??= {})[r.id] = apiRole(r, sim.model.botUserId);
            return { name, type: d.type, value: r.id };
          }
        }
        throw refuse(`option "${d.name}": unknown user ${String(v)}`);
      }
      case 7: {
        if (!guild) throw refuse(`option "${d.name}": channel options need a guild`);
        const c = guild.channels.get(String(v)) ?? guild.channelByName(String(v));
        if (!c) throw refuse(`option "${d.name}": unknown channel ${String(v)}`);
        if (d.channel_types && d.channel_types.length && !d.channel_types.includes(c.type)) {
          throw refuse(`option "${d.name}": channel type ${c.type} not allowed`);
        }
        const { guild_id: _g, position: _p, permission_overwrites: _o, ...partial } = apiGuildChannel(c);
        (resolved.channels ??= {})[c.id] = { ...partial, permissions: this.botChannelPermissions(guild).toString() };
        return { name, type: d.type, value: c.id };
      }
      case 8: {
        if (!guild) throw refuse(`option "${d.name}": role options need a guild`);
        const r = guild.role(String(v)) ?? guild.roleByName(String(v));
        if (!r) throw refuse(`option "${d.name}": unknown role ${String(v)}`);
        (resolved.roles ??= {})[r.id] = apiRole(r, sim.model.botUserId);
        return { name, type: d.type, value: r.id };
      }
      default:
        throw refuse(`option "${d.name}": option type ${d.type} is not simulated`);
    }
  }

  private botChannelPermissions(guild: GuildRec): bigint {
    return this.sim.botPermissions(guild);
  }

  private dispatch(
    p: {
      kind: 'slash' | 'click';
      user: UserRec;
      guild: GuildRec | null;
      channel: ChannelRec;
      locale?: string;
      commandName?: string;
      customId?: string;
      /** Context 2 through a user install. */
      userInstall?: boolean;
    } & (
      | { type: 2; data: APIChatInputApplicationCommandInteractionData; message?: undefined }
      | { type: 3; data: APIMessageButtonInteractionData; message: SimMessage }
    ),
  ): InteractionView {
    const sim = this.sim;
    if (!sim.gateway.hasReceiver({ guildId: p.guild?.id ?? null })) {
      throw new ApiError(409, 0, 'no identified gateway session is connected to receive the interaction');
    }
    const id = sim.ids.next();
    const token = `aW50ZXJhY3Rpb246${id}:${randomBytes(48).toString('base64url')}`;
    const user = p.user;
    const locale = asLocale(p.locale ?? user.locale);
    const envelope = {
      channel: this.interactionChannel(p.channel, p.guild, user),
      channel_id: p.channel.id,
      token,
      version: 1 as const,
      locale,
      entitlements: [],
      attachment_size_limit: 10485760,
    };
    let place: InteractionPlace;
    if (p.guild) {
      const m = p.guild.members.get(user.id);
      if (!m) throw refuse('not a member');
      place = {
        guild_id: p.guild.id,
        guild: { id: p.guild.id, locale: p.guild.preferredLocale, features: [] },
        guild_locale: p.guild.preferredLocale,
        member: apiInteractionMember(sim.model, m, p.guild.permissionsOf(m)),
        app_permissions: this.botChannelPermissions(p.guild).toString(),
        authorizing_integration_owners: { '0': p.guild.id },
        context: 0,
      };
    } else if (p.userInstall) {
      place = {
        user: apiUser(user),
        app_permissions: DM_APP_PERMISSIONS.toString(),
        authorizing_integration_owners: { '1': user.id },
        context: 2,
      };
    } else {
      place = {
        user: apiUser(user),
        app_permissions: DM_APP_PERMISSIONS.toString(),
        authorizing_integration_owners: { '0': '0' },
        context: 1,
      };
    }
    const head = { id, application_id: sim.model.applicationId };
    const payload: APIInteraction =
      p.type === 2
        ? { ...head, type: p.type, data: p.data, ...envelope, ...place }
        : { ...head, type: p.type, data: p.data, ...envelope, ...place, message: sim.apiMessage(p.message) };

    const common: Omit<InteractionStateBase, 'originalId' | 'ephemeral'> = {
      id,
      token,
      kind: p.kind,
      userId: user.id,
      guildId: p.guild?.id ?? null,
      channelId: p.channel.id,
      context: place.context,
      commandName: p.commandName,
      customId: p.customId,
      createdAt: Date.now(),
      status: 'pending',
      callbacks: [],
      deferred: null,
      edits: [],
      followUpIds: [],
    };
    const state: InteractionState =
      p.type === 2
        ? { ...common, type: p.type, originalId: null, ephemeral: false }
        : {
            ...common,
            type: p.type,
            originalId: p.message.id,
            sourceMessageId: p.message.id,
            ephemeral: p.message.ephemeral,
          };
    state.timer = setTimeout(() => {
      if (state.status === 'pending') {
        state.status = 'failed';
        state.failure = 'The application did not respond';
        sim.changed();
      }
    }, sim.config.interactionTimeoutMs);
    state.timer.unref();
    this.byId.set(id, state);
    this.byToken.set(token, state);
    sim.gateway.dispatch('INTERACTION_CREATE', payload, { guildId: p.guild?.id ?? null });
    sim.changed();
    return this.view(state);
  }

  private interactionChannel(c: ChannelRec, guild: GuildRec | null, user: UserRec): InteractionChannel {
    if (c.guildId === null) {
      const other = c.recipientId !== user.id ? this.sim.model.user(c.recipientId) : undefined;
      return { ...apiDmChannel(this.sim.model, c), recipients: other ? [apiUser(other)] : [apiUser(user)] };
    }
    // an interaction in a guild channel has its guild (click() refuses a channel whose guild is gone)
    if (!guild) throw new Error(`channel ${c.id} has no guild`);
    return { ...apiGuildChannel(c), permissions: this.botChannelPermissions(guild).toString() };
  }

  // ---- responses ---------------------------------------------------------------------------------

  /** POST /interactions/:id/:token/callback */
  callback(
    id: string,
    token: string,
    body: InteractionCallbackBody,
    withResponse: boolean,
    authPresent: boolean,
  ): { status: number; body?: CallbackResponse } {
    const s = this.byId.get(id);
    if (!s || s.token !== token) throw Errors.unknownInteraction();
    if (s.status === 'failed') throw Errors.unknownInteraction();
    if (s.callbacks.length > 0) throw Errors.alreadyAcknowledged();
    const type = body.type;
    const allowed = s.type === InteractionTypes.MessageComponent ? [4, 5, 6, 7, 9] : [4, 5, 9];
    if (!allowed.includes(type)) {
      throw Errors.invalidFormBody({
        type: {
          _errors: [
            {
              code: 'INTERACTION_CALLBACK_TYPE_INVALID',
              message: `Callback type ${type} is not valid for this interaction type.`,
            },
          ],
        },
      });
    }
    if (body.type === CallbackTypes.ChannelMessageWithSource && isEmptyMessage(body.data ?? {}))
      throw Errors.emptyMessage();
    if (type === CallbackTypes.UpdateMessage && !(s.originalId && this.sim.messageIndex.get(s.originalId)))
      throw Errors.unknownMessage();
    const data = 'data' in body ? (body.data ?? null) : null;
    s.callbacks.push({ type, data, at: Date.now(), withResponse, authPresent });
    if (s.timer) clearTimeout(s.timer);
    // 'responded' only once the response message exists: createMessage() wakes waiters synchronously, and a
    // click would otherwise look final with the clicked message still as its original.
    try {
      return this.respond(s, body, withResponse);
    } finally {
      if (s.status === 'pending') s.status = 'responded';
    }
  }

  private respond(
    s: InteractionState,
    body: InteractionCallbackBody,
    withResponse: boolean,
  ): { status: number; body?: CallbackResponse } {
    const sim = this.sim;
    const channel = sim.channel(s.channelId);
    const bot = sim.model.user(sim.model.botUserId);
    if (!channel || !bot) throw Errors.unknownChannel();
    let message: SimMessage | undefined;
    switch (body.type) {
      case CallbackTypes.ChannelMessageWithSource: {
        message = this.newResponseMessage(s, channel, bot, body.data ?? {}, false);
        break;
      }
      case CallbackTypes.DeferredChannelMessageWithSource: {
        const flags = (typeof body.data?.flags === 'number' ? body.data.flags & EPHEMERAL : 0) | LOADING;
        message = this.newResponseMessage(s, channel, bot, { content: '', flags }, true);
        s.deferred = 'reply';
        break;
      }
      case CallbackTypes.DeferredMessageUpdate:
        s.deferred = 'update';
        message = s.originalId ? sim.messageIndex.get(s.originalId) : undefined;
        break;
      case CallbackTypes.UpdateMessage: {
        const src = s.originalId ? sim.messageIndex.get(s.originalId) : undefined;
        if (!src) throw Errors.unknownMessage();
        message = sim.editMessage(src, body.data ?? {});
        break;
      }
      case CallbackTypes.Modal:
        s.modal = body.data;
        break;
      default:
        break;
    }
    s.status = 'responded';
    sim.changed();
    if (!withResponse) return { status: 204 };
    return {
      status: 200,
      body: {
        interaction: {
          id: s.id,
          type: s.type,
          activity_instance_id: null,
          response_message_id: message?.id,
          response_message_loading: message ? (message.flags & LOADING) !== 0 : undefined,
          response_message_ephemeral: message ? message.ephemeral : undefined,
          channel_id: s.channelId,
          ...(s.guildId ? { guild_id: s.guildId } : {}),
        },
        resource: message ? { type: body.type, message: sim.apiMessage(message) } : { type: body.type },
      },
    };
  }

  private newResponseMessage(
    s: InteractionState,
    channel: ChannelRec,
    bot: UserRec,
    data: MessageBody,
    deferred: boolean,
  ): SimMessage {
    const sim = this.sim;
    const user = sim.model.user(s.userId);
    const msg = sim.createMessage(channel, bot, data, 'interaction', {
      type: s.type === InteractionTypes.ApplicationCommand ? MessageTypes.ChatInputCommand : MessageTypes.Reply,
      webhook_id: sim.model.applicationId,
      application_id: sim.model.applicationId,
      interaction_metadata: this.metadata(s, user),
    });
    if (!deferred || msg.ephemeral) s.ephemeral = msg.ephemeral;
    s.originalId = msg.id;
    return msg;
  }

  private metadata(s: InteractionState, user: UserRec | undefined): SimInteractionMetadata {
    // the world keeps the users its interactions came from
    if (!user) throw new Error(`interaction ${s.id} has no user`);
    const owners =
      s.context === ContextTypes.PrivateChannel ? { '1': s.userId } : s.guildId ? { '0': s.guildId } : { '0': '0' };
    const name = s.commandName ? { name: s.commandName } : {};
    if (s.type === InteractionTypes.MessageComponent) {
      return {
        id: s.id,
        type: s.type,
        user: apiUser(user),
        authorizing_integration_owners: owners,
        interacted_message_id: s.sourceMessageId,
        ...name,
      };
    }
    return { id: s.id, type: s.type, user: apiUser(user), authorizing_integration_owners: owners, ...name };
  }

  /** Finds the interaction of a webhook token (POST/GET/PATCH/DELETE /webhooks/:app/:token...). */
  byWebhook(appId: string, token: string): InteractionState {
    const s = this.byToken.get(token);
    if (!s || appId !== this.sim.model.applicationId) throw Errors.invalidWebhookToken();
    if (Date.now() - s.createdAt > this.sim.config.interactionTokenLifetimeMs) throw Errors.invalidWebhookToken();
    return s;
  }

  private target(s: InteractionState, messageId: string): SimMessage {
    const sim = this.sim;
    const id = messageId === '@original' ? s.originalId : messageId;
    if (!id || (messageId !== '@original' && !s.followUpIds.includes(id) && id !== s.originalId)) {
      throw Errors.unknownMessage();
    }
    if (messageId === '@original' && s.callbacks.length === 0) throw Errors.unknownMessage();
    const m = sim.messageIndex.get(id);
    if (!m || m.deleted) throw Errors.unknownMessage();
    return m;
  }

  followUp(s: InteractionState, body: WithStoredAttachments<RESTPostAPIInteractionFollowupJSONBody>): SimMessage {
    const sim = this.sim;
    if (s.callbacks.length === 0) throw Errors.unknownWebhook();
    if (isEmptyMessage(body)) throw Errors.emptyMessage();
    // The first follow-up after a deferred reply replaces the "is thinking..." message.
    if (s.deferred === 'reply' && s.originalId) {
      const orig = sim.messageIndex.get(s.originalId);
      if (orig && orig.flags & LOADING) {
        s.edits.push({ at: Date.now(), target: '@original (first follow-up)', body });
        orig.flags &= ~LOADING;
        s.deferred = null;
        return sim.editMessage(orig, body);
      }
    }
    const channel = sim.channel(s.channelId);
    const bot = sim.model.user(sim.model.botUserId);
    if (!channel || !bot) throw Errors.unknownChannel();
    const user = sim.model.user(s.userId);
    const msg = sim.createMessage(channel, bot, body, 'followup', {
      webhook_id: sim.model.applicationId,
      application_id: sim.model.applicationId,
      interaction_metadata: this.metadata(s, user),
    });
    s.followUpIds.push(msg.id);
    sim.changed();
    return msg;
  }

  getMessage(s: InteractionState, messageId: string): SimMessage {
    return this.target(s, messageId);
  }

  editMessage(
    s: InteractionState,
    messageId: string,
    body: WithStoredAttachments<RESTPatchAPIInteractionFollowupJSONBody>,
  ): SimMessage {
    const m = this.target(s, messageId);
    s.edits.push({ at: Date.now(), target: messageId, body });
    if (m.id === s.originalId) {
      if (m.flags & LOADING) m.flags &= ~LOADING;
      s.deferred = null;
    }
    return this.sim.editMessage(m, body);
  }

  deleteMessage(s: InteractionState, messageId: string): void {
    const m = this.target(s, messageId);
    this.sim.deleteMessage(m);
  }

  // ---- views -------------------------------------------------------------------------------------

  get(id: string): InteractionState | undefined {
    return this.byId.get(id);
  }

  viewById(id: string): InteractionView {
    const s = this.byId.get(id);
    if (!s) throw new ApiError(404, 0, `unknown interaction ${id}`);
    return this.view(s);
  }

  all(): InteractionView[] {
    return [...this.byId.values()].map((s) => this.view(s));
  }

  view(s: InteractionState): InteractionView {
    const sim = this.sim;
    const orig = s.originalId && s.callbacks.length ? (sim.messageIndex.get(s.originalId) ?? null) : null;
    const original = orig && !orig.deleted ? orig : null;
    const user = sim.model.user(s.userId);
    const followUps = s.followUpIds
      .map((id) => sim.messageIndex.get(id))
      .filter((m): m is SimMessage => !!m && !m.deleted);
    const deferred = s.deferred !== null || (original !== null && (original.flags & LOADING) !== 0);
    const final =
      s.status === 'responded' &&
      (s.modal !== undefined || (!deferred && original !== null) || (s.deferred === 'update' && followUps.length > 0));
    return {
      id: s.id,
      token: s.token,
      kind: s.kind,
      user: user?.username ?? s.userId,
      guildId: s.guildId,
      channelId: s.channelId,
      commandName: s.commandName,
      customId: s.customId,
      createdAt: s.createdAt,
      status: s.status,
      failure: s.failure,
      callbacks: s.callbacks,
      original,
      deferred,
      ephemeral: original ? original.ephemeral : s.ephemeral,
      content: original ? original.content : null,
      embeds: original ? original.embeds : [],
      components: original ? original.components : [],
      flags: original ? original.flags : 0,
      edits: s.edits,
      followUps,
      modal: s.modal ?? null,
      final,
    };
  }
}

/** Whether a message body has nothing to show (Discord: 50006 Cannot send an empty message). */
function isEmptyMessage(
  b: Partial<Record<'content' | 'embeds' | 'components' | 'attachments' | 'poll' | 'sticker_ids', unknown>>,
): boolean {
  const has = (v: unknown): boolean => (Array.isArray(v) ? v.length > 0 : v !== undefined && v !== null && v !== '');
  return (
    !has(b.content) &&
    !has(b.embeds) &&
    !has(b.components) &&
    !has(b.attachments) &&
    !has(b.poll) &&
    !has(b.sticker_ids)
  );
}

/** The button with `custom_id` among a message's components (action rows, sections, containers, any depth). */
function findButton(components: readonly unknown[], customId: string): APIButtonComponent | undefined {
  for (const c of components) {
    if (!isObject(c)) continue;
    // type 2 is a button (the message was validated against Discord's schema when the bot sent it)
    if (c.type === 2 && c.custom_id === customId) return c as unknown as APIButtonComponent;
    for (const key of ['components', 'accessory']) {
      const inner = c[key];
      const list = Array.isArray(inner) ? inner : isObject(inner) ? [inner] : [];
      const found = findButton(list, customId);
      if (found) return found;
    }
  }
  return undefined;
}
