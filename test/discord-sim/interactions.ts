// Interactions: building INTERACTION_CREATE payloads for slash commands and button clicks the way Discord does,
// and the response side (callback, @original, follow-ups, 3 s deadline, 15 min token lifetime).
import { randomBytes } from 'node:crypto';
import { ApiError, Errors } from './errors';
import { ALL_PERMISSIONS, DM_APP_PERMISSIONS, P } from './permissions';
import type { Simulator } from './sim';
import type {
  ClickOptions,
  CommandOptionRecord,
  InteractionCallbackRecord,
  InteractionStatus,
  InteractionView,
  RegisteredCommand,
  SimMessage,
  SlashOptions,
} from './types';
import { isObject } from './validation';
import { apiChannel, apiMember, apiRole, apiUser, type ChannelRec, type GuildRec, type UserRec } from './world';

const EPHEMERAL = 64;
const LOADING = 128;

interface InteractionState {
  id: string;
  token: string;
  kind: 'slash' | 'click';
  type: 2 | 3;
  userId: string;
  guildId: string | null;
  channelId: string;
  /** 0 guild, 1 bot DM, 2 private channel (user install). */
  context: number;
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
  edits: Array<{ at: number; target: string; body: unknown }>;
  followUpIds: string[];
  /** Components: the message the button was on. */
  sourceMessageId?: string;
  modal?: unknown;
  timer?: NodeJS.Timeout;
}

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
    const resolved: Record<string, Record<string, unknown>> = {};
    const options = this.buildOptions(cmd, o, guild, resolved);

    const data: Record<string, unknown> = { id: cmd.id, name: cmd.name, type: 1 };
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
    if (button.style === 5 || button.style === 6) throw refuse(`button "${o.customId}" is a link/premium button`);
    const channel = sim.channel(message.channel_id);
    if (!channel) throw refuse('message channel vanished');
    const guild = channel.guildId ? (sim.model.guild(channel.guildId) ?? null) : null;
    if (guild && !guild.members.has(user.id)) throw refuse(`${user.username} is not a member of ${guild.name}`);
    if (!guild && channel.recipientId !== user.id && channel.privateOf !== user.id) {
      throw refuse(`${user.username} cannot see that DM`);
    }
    const data = { custom_id: o.customId, component_type: 2 };
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
    resolved: Record<string, Record<string, unknown>>,
  ): Record<string, unknown>[] {
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
    resolved: Record<string, Record<string, unknown>>,
  ): Record<string, unknown>[] {
    for (const k of Object.keys(given)) {
      if (!defs.some((d) => d.name === k))
        throw refuse(`unknown option "${k}" (known: ${defs.map((d) => d.name).join(', ') || 'none'})`);
    }
    const out: Record<string, unknown>[] = [];
    for (const d of defs) {
      const v = given[d.name];
      if (v === undefined) {
        if (d.required) throw refuse(`required option "${d.name}" missing`);
        continue;
      }
      out.push({ name: d.name, type: d.type, value: this.optionValue(d, v, guild, resolved) });
    }
    return out;
  }

  private optionValue(
    d: CommandOptionRecord,
    v: string | number | boolean,
    guild: GuildRec | null,
    resolved: Record<string, Record<string, unknown>>,
  ): string | number | boolean {
    const sim = this.sim;
    const checkChoices = (value: string | number): void => {
      if (d.choices && d.choices.length && !d.choices.some((c) => c.value === value)) {
        throw refuse(
          `option "${d.name}": ${JSON.stringify(value)} is not one of the choices ${JSON.stringify(d.choices.map((c) => c.value))}`,
        );
      }
    };
    const add = (kind: string, id: string, value: Record<string, unknown>): void => {
      (resolved[kind] ??= {})[id] = value;
    };
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
        return s;
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
        return n;
      }
      case 5: {
        if (typeof v === 'boolean') return v;
        if (v === 'true' || v === 'false') return v === 'true';
        throw refuse(`option "${d.name}" must be a boolean`);
      }
      case 6:
      case 9: {
        const u = sim.model.resolveUser(String(v));
        if (u) {
          add('users', u.id, apiUser(u) as unknown as Record<string, unknown>);
          const m = guild?.members.get(u.id);
          if (guild && m)
            add('members', u.id, apiMember(sim.model, m, { withUser: false, permissions: guild.permissionsOf(m) }));
          return u.id;
        }
        if (d.type === 9 && guild) {
          const r = guild.role(String(v)) ?? guild.roleByName(String(v));
          if (r) {
            add('roles', r.id, apiRole(r, sim.model.botUserId));
            return r.id;
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
        const { guild_id: _g, position: _p, permission_overwrites: _o, ...partial } = apiChannel(sim.model, c);
        add('channels', c.id, { ...partial, permissions: this.botChannelPermissions(guild).toString() });
        return c.id;
      }
      case 8: {
        if (!guild) throw refuse(`option "${d.name}": role options need a guild`);
        const r = guild.role(String(v)) ?? guild.roleByName(String(v));
        if (!r) throw refuse(`option "${d.name}": unknown role ${String(v)}`);
        add('roles', r.id, apiRole(r, sim.model.botUserId));
        return r.id;
      }
      default:
        throw refuse(`option "${d.name}": option type ${d.type} is not simulated`);
    }
  }

  private botChannelPermissions(guild: GuildRec): bigint {
    return this.sim.botPermissions(guild);
  }

  private dispatch(p: {
    kind: 'slash' | 'click';
    type: 2 | 3;
    user: UserRec;
    guild: GuildRec | null;
    channel: ChannelRec;
    data: Record<string, unknown>;
    locale?: string;
    commandName?: string;
    customId?: string;
    message?: SimMessage;
    /** Context 2 through a user install. */
    userInstall?: boolean;
  }): InteractionView {
    const sim = this.sim;
    if (!sim.gateway.hasReceiver({ guildId: p.guild?.id ?? null })) {
      throw new ApiError(409, 0, 'no identified gateway session is connected to receive the interaction');
    }
    const id = sim.ids.next();
    const token = `aW50ZXJhY3Rpb246${id}:${randomBytes(48).toString('base64url')}`;
    const user = p.user;
    const locale = p.locale ?? user.locale;
    const payload: Record<string, unknown> = {
      id,
      application_id: sim.model.applicationId,
      type: p.type,
      data: p.data,
      channel: this.interactionChannel(p.channel, p.guild, user),
      channel_id: p.channel.id,
      token,
      version: 1,
      locale,
      entitlements: [],
      attachment_size_limit: 10485760,
    };
    if (p.guild) {
      const m = p.guild.members.get(user.id);
      if (!m) throw refuse('not a member');
      payload.guild_id = p.guild.id;
      payload.guild = { id: p.guild.id, locale: p.guild.preferredLocale, features: [] };
      payload.guild_locale = p.guild.preferredLocale;
      payload.member = apiMember(sim.model, m, { permissions: p.guild.permissionsOf(m) });
      payload.app_permissions = this.botChannelPermissions(p.guild).toString();
      payload.authorizing_integration_owners = { '0': p.guild.id };
      payload.context = 0;
    } else if (p.userInstall) {
      payload.user = apiUser(user);
      payload.app_permissions = DM_APP_PERMISSIONS.toString();
      payload.authorizing_integration_owners = { '1': user.id };
      payload.context = 2;
    } else {
      payload.user = apiUser(user);
      payload.app_permissions = DM_APP_PERMISSIONS.toString();
      payload.authorizing_integration_owners = { '0': '0' };
      payload.context = 1;
    }
    if (p.message) payload.message = sim.apiMessage(p.message);

    const state: InteractionState = {
      id,
      token,
      kind: p.kind,
      type: p.type,
      userId: user.id,
      guildId: p.guild?.id ?? null,
      channelId: p.channel.id,
      context: payload.context as number,
      commandName: p.commandName,
      customId: p.customId,
      createdAt: Date.now(),
      status: 'pending',
      callbacks: [],
      originalId: p.message ? p.message.id : null,
      sourceMessageId: p.message?.id,
      deferred: null,
      ephemeral: p.message ? p.message.ephemeral : false,
      edits: [],
      followUpIds: [],
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

  private interactionChannel(c: ChannelRec, guild: GuildRec | null, user: UserRec): Record<string, unknown> {
    const base = apiChannel(this.sim.model, c);
    if (!guild) {
      const other = c.recipientId && c.recipientId !== user.id ? this.sim.model.user(c.recipientId) : undefined;
      return { ...base, recipients: other ? [apiUser(other)] : [apiUser(user)] };
    }
    return { ...base, permissions: this.botChannelPermissions(guild).toString() };
  }

  // ---- responses ---------------------------------------------------------------------------------

  /** POST /interactions/:id/:token/callback */
  callback(
    id: string,
    token: string,
    body: Record<string, unknown>,
    withResponse: boolean,
    authPresent: boolean,
  ): { status: number; body?: unknown } {
    const s = this.byId.get(id);
    if (!s || s.token !== token) throw Errors.unknownInteraction();
    if (s.status === 'failed') throw Errors.unknownInteraction();
    if (s.callbacks.length > 0) throw Errors.alreadyAcknowledged();
    const type = body.type as number;
    const data = isObject(body.data) ? body.data : {};
    const allowed = s.type === 3 ? [4, 5, 6, 7, 9] : [4, 5, 9];
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
    if (type === 4 && isEmptyMessage(data)) throw Errors.emptyMessage();
    if (type === 7 && !(s.originalId && this.sim.messageIndex.get(s.originalId))) throw Errors.unknownMessage();
    s.callbacks.push({ type, data: body.data ?? null, at: Date.now(), withResponse, authPresent });
    if (s.timer) clearTimeout(s.timer);
    // 'responded' only once the response message exists: createMessage() wakes waiters synchronously, and a
    // click would otherwise look final with the clicked message still as its original.
    try {
      return this.respond(s, type, data, withResponse);
    } finally {
      if (s.status === 'pending') s.status = 'responded';
    }
  }

  private respond(
    s: InteractionState,
    type: number,
    data: Record<string, unknown>,
    withResponse: boolean,
  ): { status: number; body?: unknown } {
    const sim = this.sim;
    const channel = sim.channel(s.channelId);
    const bot = sim.model.user(sim.model.botUserId);
    if (!channel || !bot) throw Errors.unknownChannel();
    let message: SimMessage | undefined;
    switch (type) {
      case 4: {
        message = this.newResponseMessage(s, channel, bot, data, false);
        break;
      }
      case 5: {
        const flags = (typeof data.flags === 'number' ? data.flags & EPHEMERAL : 0) | LOADING;
        message = this.newResponseMessage(s, channel, bot, { content: '', flags }, true);
        s.deferred = 'reply';
        break;
      }
      case 6:
        s.deferred = 'update';
        message = s.originalId ? sim.messageIndex.get(s.originalId) : undefined;
        break;
      case 7: {
        const src = s.originalId ? sim.messageIndex.get(s.originalId) : undefined;
        if (!src) throw Errors.unknownMessage();
        message = sim.editMessage(src, data);
        break;
      }
      case 9:
        s.modal = data;
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
        resource: message ? { type, message: sim.apiMessage(message) } : { type },
      },
    };
  }

  private newResponseMessage(
    s: InteractionState,
    channel: ChannelRec,
    bot: UserRec,
    data: Record<string, unknown>,
    deferred: boolean,
  ): SimMessage {
    const sim = this.sim;
    const user = sim.model.user(s.userId);
    const msg = sim.createMessage(channel, bot, data, 'interaction', {
      type: s.type === 2 ? 20 : 19,
      webhook_id: sim.model.applicationId,
      application_id: sim.model.applicationId,
      interaction_metadata: this.metadata(s, user),
    });
    if (!deferred || msg.ephemeral) s.ephemeral = msg.ephemeral;
    s.originalId = msg.id;
    return msg;
  }

  private metadata(s: InteractionState, user: UserRec | undefined): Record<string, unknown> {
    return {
      id: s.id,
      type: s.type,
      user: user ? apiUser(user) : { id: s.userId },
      authorizing_integration_owners:
        s.context === 2 ? { '1': s.userId } : s.guildId ? { '0': s.guildId } : { '0': '0' },
      ...(s.type === 3 && s.sourceMessageId ? { interacted_message_id: s.sourceMessageId } : {}),
      ...(s.commandName ? { name: s.commandName } : {}),
    };
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

  followUp(s: InteractionState, body: Record<string, unknown>): SimMessage {
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

  editMessage(s: InteractionState, messageId: string, body: Record<string, unknown>): SimMessage {
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

function isEmptyMessage(b: Record<string, unknown>): boolean {
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

interface ButtonLike {
  type: number;
  custom_id?: string;
  disabled?: boolean;
  style?: number;
}

function findButton(components: unknown[], customId: string): ButtonLike | undefined {
  for (const c of components) {
    if (!isObject(c)) continue;
    if (c.type === 2 && c.custom_id === customId) return c as unknown as ButtonLike;
    for (const key of ['components', 'accessory']) {
      const inner = c[key];
      const list = Array.isArray(inner) ? inner : isObject(inner) ? [inner] : [];
      const found = findButton(list, customId);
      if (found) return found;
    }
  }
  return undefined;
}
