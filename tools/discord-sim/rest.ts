// REST routes under /api/v10 and their Discord semantics.
import type {
  APIApplication,
  APIAttachment,
  RESTAPIPartialCurrentUserGuild,
  RESTGetAPICurrentUserResult,
  RESTGetAPIGatewayBotResult,
  RESTGetAPIGatewayResult,
  RESTPatchAPIChannelMessageJSONBody,
  RESTPatchAPIGuildMemberJSONBody,
  RESTPatchAPIInteractionFollowupJSONBody,
  RESTPostAPIChannelMessageJSONBody,
  RESTPostAPICurrentUserCreateDMChannelJSONBody,
  RESTPostAPIInteractionFollowupJSONBody,
} from 'discord.js';
import { ApiError, Errors } from './errors';
import { compileRoutes, findRoute, pathSegments } from './patterns';
import { P } from './permissions';
import type { CommandBody, Simulator } from './sim';
import type { InteractionCallbackBody, RecordedRequest, SimMessage, WithStoredAttachments } from './types';
import { isObject, type SchemaKey } from './validation';
import { apiChannel, apiGuildBase, apiMember, apiRole, apiUser, NO_FLAGS, type ApiGuild, type GuildRec } from './world';

/** How long Discord remembers an enforced message nonce ("the past few minutes"). */
const NONCE_WINDOW_MS = 5 * 60 * 1000;

export interface Ctx {
  sim: Simulator;
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  authPresent: boolean;
  /** Files of a multipart body (`files[n]` fields). */
  files: RecordedRequest['files'];
}

export interface RestResult {
  status: number;
  body?: unknown;
}

export interface RouteDef {
  method: string;
  /** Template with `:params`, below /api/v10. */
  template: string;
  /** Bot token required (false: interaction callback and webhook-token routes, where Discord needs none). */
  auth: boolean;
  schema?: SchemaKey;
  handle(ctx: Ctx): RestResult | Promise<RestResult>;
}

const ok = (body: unknown): RestResult => ({ status: 200, body });

/**
 * A request body as its Discord type. Only for routes with a `schema`: server.ts validated the body against
 * Discord's schema for the route before the handler runs (validation.ts says where that is relaxed).
 */
function validated<T extends object>(body: unknown): T {
  return obj(body) as T;
}

/**
 * Turns a message body's `attachments` into what Discord stores: uploaded files (`files[n]`, described by
 * `attachments[{id: n}]`) become attachment objects; other entries must name attachments the message already has.
 */
export function withAttachments<B extends object>(
  ctx: Ctx,
  body: B,
  existing: APIAttachment[] = [],
): WithStoredAttachments<B> {
  const list: unknown = 'attachments' in body ? body.attachments : undefined;
  const described = Array.isArray(list) ? list.filter(isObject) : [];
  // nothing to store: no files, and `attachments` absent (or null)
  if (!ctx.files.length && !Array.isArray(list)) return body;
  const out: APIAttachment[] = [];
  for (const d of described) {
    const id = String(d.id);
    const kept = existing.find((e) => e.id === id);
    if (kept) {
      out.push(kept);
      continue;
    }
    const file = ctx.files.find((f) => f.field === `files[${id}]`);
    if (file) out.push(attachment(ctx, file, d));
  }
  for (const file of ctx.files) {
    const n = /^files\[(\d+)\]$/.exec(file.field)?.[1];
    if (n !== undefined && !described.some((d) => String(d.id) === n)) out.push(attachment(ctx, file, {}));
  }
  return { ...body, attachments: out };
}

function attachment(ctx: Ctx, file: RecordedRequest['files'][number], d: Record<string, unknown>): APIAttachment {
  const id = ctx.sim.ids.next();
  const filename = typeof d.filename === 'string' ? d.filename : (file.filename ?? 'file');
  const url = `${ctx.sim.httpUrl()}/attachments/${id}/${encodeURIComponent(filename)}`;
  return {
    id,
    filename,
    size: file.size,
    url,
    proxy_url: url,
    ...(file.contentType ? { content_type: file.contentType } : {}),
    ...(typeof d.description === 'string' ? { description: d.description } : {}),
  };
}
const noContent = (): RestResult => ({ status: 204 });
const obj = (b: unknown): Record<string, unknown> => (isObject(b) ? b : {});

function app(ctx: Ctx): void {
  if (ctx.params.application_id !== ctx.sim.model.applicationId) throw Errors.notAuthorizedForApp();
}

function guildOfBot(ctx: Ctx): GuildRec {
  const g = ctx.sim.model.guild(ctx.params.guild_id);
  if (!g) throw Errors.unknownGuild();
  return g;
}

function cmdGuild(ctx: Ctx): string | null {
  if (!ctx.params.guild_id) return null;
  if (!ctx.sim.model.guild(ctx.params.guild_id)) throw Errors.missingAccess();
  return ctx.params.guild_id;
}

function botUserPayload(sim: Simulator): RESTGetAPICurrentUserResult {
  const bot = sim.model.user(sim.model.botUserId);
  if (!bot) throw new Error('the world has no bot user');
  return { ...apiUser(bot), verified: true, mfa_enabled: false, locale: 'en-US', flags: NO_FLAGS, email: null };
}

/**
 * GET /applications/@me as the simulator answers it: `type` and `hook`, which Discord sends and discord-api-types
 * does not list; no `flags_new`; `tags` empty.
 */
type ApiCurrentApplication = Omit<APIApplication, 'flags_new' | 'tags'> & {
  type: null;
  hook: boolean;
  tags: string[];
};

function channelMessagesRoute(ctx: Ctx): RestResult {
  const sim = ctx.sim;
  const c = sim.channel(ctx.params.channel_id);
  if (!c) throw Errors.unknownChannel();
  const limit = Math.min(100, Math.max(1, Number(ctx.query.get('limit') ?? 50)));
  let list = sim.channelMessages(c.id).filter((m) => !m.ephemeral);
  const before = ctx.query.get('before');
  const after = ctx.query.get('after');
  if (before) list = list.filter((m) => BigInt(m.id) < BigInt(before));
  if (after) list = list.filter((m) => BigInt(m.id) > BigInt(after));
  const newestFirst = [...list].reverse().slice(0, limit);
  return ok(newestFirst.map((m) => sim.apiMessage(m)));
}

function channelMessage(ctx: Ctx): SimMessage {
  const sim = ctx.sim;
  const c = sim.channel(ctx.params.channel_id);
  if (!c) throw Errors.unknownChannel();
  const m = sim.messageIndex.get(ctx.params.message_id);
  if (!m || m.deleted || m.channel_id !== c.id || m.ephemeral) throw Errors.unknownMessage();
  return m;
}

export const ROUTES: RouteDef[] = [
  {
    method: 'GET',
    template: '/gateway',
    auth: false,
    handle: (ctx) => ok({ url: ctx.sim.wsUrl() } satisfies RESTGetAPIGatewayResult),
  },
  {
    method: 'GET',
    template: '/gateway/bot',
    auth: true,
    handle: (ctx) =>
      ok({
        url: ctx.sim.wsUrl(),
        shards: ctx.sim.gateway.recommendedShards(),
        session_start_limit: {
          total: 1000,
          remaining: Math.max(0, 1000 - ctx.sim.gateway.identifies),
          reset_after: 14400000,
          max_concurrency: ctx.sim.config.maxConcurrency,
        },
      } satisfies RESTGetAPIGatewayBotResult),
  },
  {
    method: 'GET',
    template: '/applications/@me',
    auth: true,
    handle: (ctx) => {
      const m = ctx.sim.model;
      const owner = m.user(m.mainGuild.ownerId);
      return ok({
        id: m.applicationId,
        name: m.botName,
        icon: null,
        description: '',
        summary: '',
        type: null,
        hook: true,
        bot_public: true,
        bot_require_code_grant: false,
        verify_key: '0'.repeat(64),
        flags: m.applicationFlags,
        owner: owner ? apiUser(owner) : undefined,
        team: null,
        bot: botUserPayload(ctx.sim),
        approximate_guild_count: m.guilds.size,
        approximate_user_install_count: 0,
        redirect_uris: [],
        interactions_endpoint_url: null,
        integration_types_config: { '0': {} },
        tags: [],
      } satisfies ApiCurrentApplication);
    },
  },
  { method: 'GET', template: '/users/@me', auth: true, handle: (ctx) => ok(botUserPayload(ctx.sim)) },
  {
    method: 'GET',
    template: '/users/:user_id',
    auth: true,
    handle: (ctx) => ok(apiUser(ctx.sim.user(ctx.params.user_id))),
  },
  {
    method: 'POST',
    template: '/users/@me/channels',
    auth: true,
    schema: 'createDm',
    handle: (ctx) => {
      // recipient_id is optional in Discord's schema (group DMs take access_tokens instead)
      const rid = validated<Partial<RESTPostAPICurrentUserCreateDMChannelJSONBody>>(ctx.body).recipient_id;
      if (typeof rid !== 'string') {
        throw Errors.invalidFormBody({
          recipient_id: { _errors: [{ code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }] },
        });
      }
      const user = ctx.sim.user(rid);
      return ok(apiChannel(ctx.sim.model, ctx.sim.dmChannel(user)));
    },
  },

  {
    method: 'GET',
    template: '/users/@me/guilds',
    auth: true,
    handle: (ctx) => {
      const sim = ctx.sim;
      const limit = Math.min(200, Math.max(1, Number(ctx.query.get('limit') ?? 200)));
      const after = BigInt(ctx.query.get('after') ?? '0');
      const list = [...sim.model.guilds.values()]
        .filter((g) => BigInt(g.id) > after)
        .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1))
        .slice(0, limit);
      return ok(
        list.map((g): RESTAPIPartialCurrentUserGuild => ({
          id: g.id,
          name: g.name,
          icon: null,
          banner: null,
          owner: g.ownerId === sim.model.botUserId,
          permissions: sim.botPermissions(g).toString(),
          features: [],
          ...(ctx.query.get('with_counts') === 'true'
            ? { approximate_member_count: g.memberCount, approximate_presence_count: 0 }
            : {}),
        })),
      );
    },
  },

  // ---- application commands (global and guild) ----
  ...['/applications/:application_id/commands', '/applications/:application_id/guilds/:guild_id/commands'].flatMap(
    (base): RouteDef[] => [
      {
        method: 'GET',
        template: base,
        auth: true,
        handle: (ctx) => {
          app(ctx);
          return ok([...ctx.sim.commandStore(cmdGuild(ctx)).values()]);
        },
      },
      {
        method: 'PUT',
        template: base,
        auth: true,
        schema: 'commandsBulk',
        handle: (ctx) => {
          app(ctx);
          const list = Array.isArray(ctx.body) ? ctx.body.map((b: unknown) => validated<CommandBody>(b)) : [];
          return ok(ctx.sim.overwriteCommands(cmdGuild(ctx), list));
        },
      },
      {
        method: 'POST',
        template: base,
        auth: true,
        schema: 'commandCreate',
        handle: (ctx) => {
          app(ctx);
          const store = ctx.sim.commandStore(cmdGuild(ctx));
          const b = validated<CommandBody>(ctx.body);
          const type = typeof b.type === 'number' ? b.type : 1;
          const existing = [...store.values()].find((c) => c.type === type && c.name === b.name);
          const cmd = ctx.sim.toCommand(b, cmdGuild(ctx), existing?.id ?? ctx.sim.ids.next());
          store.set(cmd.id, cmd);
          ctx.sim.changed();
          return { status: existing ? 200 : 201, body: cmd };
        },
      },
      {
        method: 'GET',
        template: `${base}/:command_id`,
        auth: true,
        handle: (ctx) => {
          app(ctx);
          const c = ctx.sim.commandStore(cmdGuild(ctx)).get(ctx.params.command_id);
          if (!c) throw Errors.unknownCommand();
          return ok(c);
        },
      },
      {
        method: 'PATCH',
        template: `${base}/:command_id`,
        auth: true,
        schema: 'commandPatch',
        handle: (ctx) => {
          app(ctx);
          const guildId = cmdGuild(ctx);
          const store = ctx.sim.commandStore(guildId);
          const c = store.get(ctx.params.command_id);
          if (!c) throw Errors.unknownCommand();
          const merged = ctx.sim.toCommand({ ...c, ...validated<CommandBody>(ctx.body) }, guildId, c.id);
          store.set(c.id, merged);
          ctx.sim.changed();
          return ok(merged);
        },
      },
      {
        method: 'DELETE',
        template: `${base}/:command_id`,
        auth: true,
        handle: (ctx) => {
          app(ctx);
          const store = ctx.sim.commandStore(cmdGuild(ctx));
          if (!store.delete(ctx.params.command_id)) throw Errors.unknownCommand();
          ctx.sim.changed();
          return noContent();
        },
      },
    ],
  ),

  // ---- interactions ----
  {
    method: 'POST',
    template: '/interactions/:interaction_id/:interaction_token/callback',
    auth: false,
    schema: 'interactionCallback',
    handle: (ctx) => {
      const body = obj(ctx.body);
      // the data's uploaded files become attachment objects, as in any message body
      const stored = isObject(body.data) ? { ...body, data: withAttachments(ctx, body.data) } : body;
      return ctx.sim.interactions.callback(
        ctx.params.interaction_id,
        ctx.params.interaction_token,
        validated<InteractionCallbackBody>(stored),
        ctx.query.get('with_response') === 'true',
        ctx.authPresent,
      );
    },
  },
  {
    method: 'POST',
    template: '/webhooks/:webhook_id/:webhook_token',
    auth: false,
    schema: 'webhookExecute',
    handle: (ctx) => {
      const s = ctx.sim.interactions.byWebhook(ctx.params.webhook_id, ctx.params.webhook_token);
      const body = validated<RESTPostAPIInteractionFollowupJSONBody>(ctx.body);
      const m = ctx.sim.interactions.followUp(s, withAttachments(ctx, body));
      return ok(ctx.sim.apiMessage(m));
    },
  },
  ...['@original', ':message_id'].flatMap((last): RouteDef[] => {
    const template = `/webhooks/:webhook_id/:webhook_token/messages/${last}`;
    const target = (ctx: Ctx): string => (last === '@original' ? '@original' : ctx.params.message_id);
    return [
      {
        method: 'GET',
        template,
        auth: false,
        handle: (ctx) => {
          const s = ctx.sim.interactions.byWebhook(ctx.params.webhook_id, ctx.params.webhook_token);
          return ok(ctx.sim.apiMessage(ctx.sim.interactions.getMessage(s, target(ctx))));
        },
      },
      {
        method: 'PATCH',
        template,
        auth: false,
        schema: 'webhookEdit',
        handle: (ctx) => {
          const s = ctx.sim.interactions.byWebhook(ctx.params.webhook_id, ctx.params.webhook_token);
          const current = ctx.sim.interactions.getMessage(s, target(ctx));
          const edit = validated<RESTPatchAPIInteractionFollowupJSONBody>(ctx.body);
          const body = withAttachments(ctx, edit, current.attachments);
          return ok(ctx.sim.apiMessage(ctx.sim.interactions.editMessage(s, target(ctx), body)));
        },
      },
      {
        method: 'DELETE',
        template,
        auth: false,
        handle: (ctx) => {
          const s = ctx.sim.interactions.byWebhook(ctx.params.webhook_id, ctx.params.webhook_token);
          ctx.sim.interactions.deleteMessage(s, target(ctx));
          return noContent();
        },
      },
    ];
  }),

  // ---- channels & messages ----
  {
    method: 'GET',
    template: '/channels/:channel_id',
    auth: true,
    handle: (ctx) => {
      const c = ctx.sim.channel(ctx.params.channel_id);
      if (!c) throw Errors.unknownChannel();
      if (c.guildId) {
        const g = ctx.sim.guild(c.guildId);
        if ((ctx.sim.botPermissions(g) & P.VIEW_CHANNEL) === 0n) throw Errors.missingAccess();
      }
      return ok(apiChannel(ctx.sim.model, c));
    },
  },
  { method: 'GET', template: '/channels/:channel_id/messages', auth: true, handle: channelMessagesRoute },
  {
    method: 'POST',
    template: '/channels/:channel_id/typing',
    auth: true,
    handle: (ctx) => {
      if (!ctx.sim.channel(ctx.params.channel_id)) throw Errors.unknownChannel();
      return noContent();
    },
  },
  {
    method: 'POST',
    template: '/channels/:channel_id/messages',
    auth: true,
    schema: 'messageCreate',
    handle: (ctx) => {
      const sim = ctx.sim;
      const c = sim.channel(ctx.params.channel_id);
      if (!c) throw Errors.unknownChannel();
      const body = withAttachments(ctx, validated<RESTPostAPIChannelMessageJSONBody>(ctx.body));
      if (c.guildId) {
        const perms = sim.botPermissions(sim.guild(c.guildId));
        if ((perms & P.VIEW_CHANNEL) === 0n) throw Errors.missingAccess();
        if ((perms & P.SEND_MESSAGES) === 0n) throw Errors.missingPermissions();
      } else if (c.privateOf) {
        // a private channel between users: the bot is not in it
        throw Errors.missingAccess();
      } else if (c.recipientId && sim.isDmClosed(c.recipientId)) {
        throw Errors.cannotDm();
      }
      const has = (v: unknown): boolean =>
        Array.isArray(v) ? v.length > 0 : v !== undefined && v !== null && v !== '';
      if (
        !has(body.content) &&
        !has(body.embeds) &&
        !has(body.components) &&
        !has(body.sticker_ids) &&
        !has(body.poll) &&
        !has(body.attachments)
      ) {
        throw Errors.emptyMessage();
      }
      const bot = sim.model.user(sim.model.botUserId);
      if (!bot) throw Errors.unknownUser();
      // With enforce_nonce, Discord returns the message an earlier request with the same nonce created
      // (within a few minutes) instead of posting it again.
      const nonce = typeof body.nonce === 'string' || typeof body.nonce === 'number' ? String(body.nonce) : undefined;
      if (nonce !== undefined && body.enforce_nonce === true) {
        const previous = sim
          .channelMessages(c.id)
          .find(
            (m) =>
              m.nonce === nonce && m.author.id === bot.id && Date.now() - Date.parse(m.timestamp) < NONCE_WINDOW_MS,
          );
        if (previous) return ok(sim.apiMessage(previous));
      }
      // a bot cannot send ephemeral channel messages: Discord drops the flag
      const flags = typeof body.flags === 'number' ? body.flags & ~64 : 0;
      return ok(
        sim.apiMessage(sim.createMessage(c, bot, { ...body, flags }, 'channel', nonce === undefined ? {} : { nonce })),
      );
    },
  },
  {
    method: 'GET',
    template: '/channels/:channel_id/messages/:message_id',
    auth: true,
    handle: (ctx) => ok(ctx.sim.apiMessage(channelMessage(ctx))),
  },
  {
    method: 'PATCH',
    template: '/channels/:channel_id/messages/:message_id',
    auth: true,
    schema: 'messageEdit',
    handle: (ctx) => {
      const m = channelMessage(ctx);
      if (m.author.id !== ctx.sim.model.botUserId) {
        throw new ApiError(403, 50005, 'Cannot edit a message authored by another user');
      }
      const body = validated<RESTPatchAPIChannelMessageJSONBody>(ctx.body);
      return ok(ctx.sim.apiMessage(ctx.sim.editMessage(m, withAttachments(ctx, body, m.attachments))));
    },
  },
  {
    method: 'DELETE',
    template: '/channels/:channel_id/messages/:message_id',
    auth: true,
    handle: (ctx) => {
      ctx.sim.deleteMessage(channelMessage(ctx));
      return noContent();
    },
  },

  // ---- guilds, roles, members ----
  {
    method: 'GET',
    template: '/guilds/:guild_id',
    auth: true,
    handle: (ctx) => {
      const g = guildOfBot(ctx);
      const out: ApiGuild = apiGuildBase(g);
      if (ctx.query.get('with_counts') === 'true') {
        out.approximate_member_count = g.memberCount;
        out.approximate_presence_count = 0;
      }
      return ok(out);
    },
  },
  {
    method: 'GET',
    template: '/guilds/:guild_id/roles',
    auth: true,
    handle: (ctx) => {
      const g = guildOfBot(ctx);
      return ok([...g.roles.values()].map((r) => apiRole(r, ctx.sim.model.botUserId)));
    },
  },
  {
    method: 'GET',
    template: '/guilds/:guild_id/channels',
    auth: true,
    handle: (ctx) => {
      const g = guildOfBot(ctx);
      return ok([...g.channels.values()].map((c) => apiChannel(ctx.sim.model, c)));
    },
  },
  {
    method: 'GET',
    template: '/guilds/:guild_id/members',
    auth: true,
    handle: (ctx) => {
      const sim = ctx.sim;
      const g = guildOfBot(ctx);
      // listing members needs the privileged GUILD_MEMBERS intent enabled for the application
      if ((sim.model.applicationFlags & ((1 << 14) | (1 << 15))) === 0) throw Errors.missingAccess();
      const limit = Math.min(1000, Math.max(1, Number(ctx.query.get('limit') ?? 1)));
      const after = BigInt(ctx.query.get('after') ?? '0');
      const list = [...g.members.values()]
        .filter((m) => BigInt(m.userId) > after && !sim.isUnknownMember(g.id, m.userId))
        .sort((a, b) => (BigInt(a.userId) < BigInt(b.userId) ? -1 : 1))
        .slice(0, limit);
      return ok(list.map((m) => apiMember(sim.model, m)));
    },
  },
  {
    method: 'GET',
    template: '/guilds/:guild_id/members/search',
    auth: true,
    handle: (ctx) => {
      const sim = ctx.sim;
      const g = guildOfBot(ctx);
      const q = (ctx.query.get('query') ?? '').toLowerCase();
      if (!ctx.query.has('query')) {
        throw Errors.invalidFormBody({
          query: { _errors: [{ code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }] },
        });
      }
      const limit = Math.min(1000, Math.max(1, Number(ctx.query.get('limit') ?? 1)));
      const list = [...g.members.values()].filter((m) => {
        const u = sim.model.user(m.userId);
        return (u?.username.toLowerCase().startsWith(q) ?? false) || (m.nick?.toLowerCase().startsWith(q) ?? false);
      });
      return ok(list.slice(0, limit).map((m) => apiMember(sim.model, m)));
    },
  },
  {
    method: 'GET',
    template: '/guilds/:guild_id/members/:user_id',
    auth: true,
    handle: (ctx) => {
      const g = guildOfBot(ctx);
      return ok(apiMember(ctx.sim.model, ctx.sim.member(g, ctx.params.user_id)));
    },
  },
  {
    method: 'PATCH',
    template: '/guilds/:guild_id/members/:user_id',
    auth: true,
    schema: 'memberPatch',
    handle: (ctx) => {
      const sim = ctx.sim;
      const g = guildOfBot(ctx);
      const m = sim.member(g, ctx.params.user_id);
      const body = validated<RESTPatchAPIGuildMemberJSONBody>(ctx.body);
      let roles = m.roles;
      if (Array.isArray(body.roles)) {
        const next = body.roles.filter((r): r is string => typeof r === 'string' && r !== g.everyoneRoleId);
        for (const r of next) if (!g.role(r)) throw Errors.unknownRole();
        const changed = [...next.filter((r) => !m.roles.includes(r)), ...m.roles.filter((r) => !next.includes(r))];
        for (const r of changed) sim.assertCanManageRole(g, r);
        roles = next;
      }
      if ('nick' in body) {
        const perms = sim.botPermissions(g);
        const self = m.userId === sim.model.botUserId;
        if ((perms & (self ? P.CHANGE_NICKNAME | P.MANAGE_NICKNAMES : P.MANAGE_NICKNAMES)) === 0n) {
          throw Errors.missingPermissions();
        }
        if (m.userId === g.ownerId && !self) throw Errors.missingPermissions();
      }
      if ('communication_disabled_until' in body && (sim.botPermissions(g) & P.MODERATE_MEMBERS) === 0n) {
        throw Errors.missingPermissions();
      }
      const nickChanged = 'nick' in body && (typeof body.nick === 'string' ? body.nick : null) !== m.nick;
      if ('nick' in body) m.nick = typeof body.nick === 'string' && body.nick !== '' ? body.nick : null;
      if (roles !== m.roles) sim.setMemberRoles(g, m, roles);
      else if (nickChanged) sim.emitMemberUpdate(g, m);
      return ok(apiMember(sim.model, m));
    },
  },
  ...(['PUT', 'DELETE'] as const).map((method): RouteDef => ({
    method,
    template: '/guilds/:guild_id/members/:user_id/roles/:role_id',
    auth: true,
    handle: (ctx) => {
      const sim = ctx.sim;
      const g = guildOfBot(ctx);
      const m = sim.member(g, ctx.params.user_id);
      sim.assertCanManageRole(g, ctx.params.role_id);
      const roleId = ctx.params.role_id;
      if (method === 'PUT') sim.setMemberRoles(g, m, [...m.roles, roleId]);
      else
        sim.setMemberRoles(
          g,
          m,
          m.roles.filter((r) => r !== roleId),
        );
      return noContent();
    },
  })),
];

export interface RouteMatch {
  def: RouteDef;
  params: Record<string, string>;
}

const compiled = compileRoutes(ROUTES);

/** Parameters never take an `@` segment (`/users/@me` is not `/users/:user_id`), except the tokens. */
function restParam(param: string, value: string): boolean {
  return !value.startsWith('@') || param === ':webhook_token' || param === ':interaction_token';
}

/** Matches a path below /api/v10; `methodMismatch` tells a 405 from a 404. */
export function matchRoute(method: string, path: string): { match: RouteMatch | null; methodMismatch: boolean } {
  const { match, methodMismatch } = findRoute(compiled, method, pathSegments(path), restParam);
  return { match: match ? { def: match.route, params: match.params } : null, methodMismatch };
}

/** The major parameter of a route (Discord buckets per channel, guild or webhook). */
export function majorParameter(params: Record<string, string>): string {
  if (params.channel_id) return `channel:${params.channel_id}`;
  if (params.guild_id) return `guild:${params.guild_id}`;
  if (params.webhook_id) return `webhook:${params.webhook_id}/${params.webhook_token ?? ''}`;
  if (params.interaction_id) return `interaction:${params.interaction_id}`;
  return 'global';
}
