// A real discord.js Client against the simulator: login/READY, DMs, command registration, slash commands,
// buttons, deadlines, role changes, member events, 429 handling and gateway resume.
import {
  ActionRowBuilder,
  ApplicationIntegrationType,
  ButtonBuilder,
  ButtonStyle,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  InteractionContextType,
  MessageFlags,
  PermissionFlagsBits,
  SlashCommandBuilder,
  type ClientEvents,
  type Interaction,
} from 'discord.js';
import { DiscordSim } from './sim-client';

/** A promise the test settles itself: the handler waits on it for something the test has seen. */
function gate(): { passed: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const passed = new Promise<void>((resolve) => (open = resolve));
  return { passed, open };
}

/** The next `event` of a client that `accept` takes (after the call, so set it up before the cause). */
function next<E extends keyof ClientEvents>(
  client: Client,
  event: E,
  accept: (...args: ClientEvents[E]) => boolean = () => true,
): Promise<ClientEvents[E]> {
  return new Promise((resolve) => {
    const listener = (...args: ClientEvents[E]): void => {
      if (!accept(...args)) return;
      client.off(event, listener);
      resolve(args);
    };
    client.on(event, listener);
  });
}

async function login(sim: DiscordSim, intents: GatewayIntentBits[]): Promise<Client> {
  const client = new Client({ intents, rest: { api: sim.apiUrl } });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(sim.token);
  await ready;
  return client;
}

const commands = [
  new SlashCommandBuilder()
    .setName('ping')
    .setDescription('Ping')
    .setDescriptionLocalizations({ fr: 'Ping en français' })
    .addUserOption((o) => o.setName('who').setDescription('Who').setRequired(true))
    .addIntegerOption((o) => o.setName('n').setDescription('How many').setMinValue(1).setMaxValue(5)),
  new SlashCommandBuilder()
    .setName('admin')
    .setDescription('Admin tools')
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageRoles)
    .setContexts(InteractionContextType.Guild)
    .addSubcommand((s) =>
      s
        .setName('say')
        .setDescription('Say')
        .addStringOption((o) => o.setName('text').setDescription('Text').setRequired(true).setMaxLength(10)),
    ),
  new SlashCommandBuilder().setName('slow').setDescription('Answers too late'),
  new SlashCommandBuilder()
    .setName('whoami')
    .setDescription('Works everywhere, also as a user install')
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall, ApplicationIntegrationType.UserInstall)
    .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM, InteractionContextType.PrivateChannel),
];

describe('discord-sim with a real discord.js client', () => {
  let sim: DiscordSim;
  let client: Client;
  let onInteraction: (i: Interaction) => Promise<void> = () => Promise.resolve();
  const handlerErrors: unknown[] = [];

  beforeAll(async () => {
    sim = await DiscordSim.start();
    client = await login(sim, [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers]);
    client.on(Events.InteractionCreate, (i) => {
      onInteraction(i).catch((e: unknown) => handlerErrors.push(e));
    });
    await client.application?.commands.set(commands.map((c) => c.toJSON()));
  });

  afterAll(async () => {
    await client?.destroy();
    await sim?.stop();
  });

  beforeEach(async () => {
    await sim.reset();
    handlerErrors.length = 0;
  });

  afterEach(async () => {
    expect(handlerErrors).toEqual([]);
    expect(await sim.unknownRoutes()).toEqual([]);
  });

  it('logs in as on Discord: gateway url from /gateway/bot, READY, every guild cached', async () => {
    await sim.waitForReady();
    const guild = client.guilds.cache.get(sim.world.guildId);
    expect(guild?.name).toBe('Moddy');
    expect(guild?.available).toBe(true);
    expect(guild?.roles.cache.size).toBe(5);
    expect(guild?.channels.cache.get(sim.world.channelId)?.name).toBe('general');
    expect(guild?.members.me?.roles.cache.has(sim.world.roles.bot)).toBe(true);
    expect(client.user?.id).toBe(sim.world.botUserId);
    expect(client.application?.id).toBe(sim.world.applicationId);
    const [session] = await sim.sessions();
    expect(session).toMatchObject({ open: true, ready: true, compression: 'none', encoding: 'json', version: '10' });
    expect(session.intents).toBe(GatewayIntentBits.Guilds | GatewayIntentBits.GuildMembers);
    expect(await sim.waitForCommands()).toHaveLength(4);
  });

  it('delivers a DM sent through REST, and surfaces closed DMs as 50007', async () => {
    const alice = await client.users.fetch(sim.world.users.alice);
    await alice.send({ content: 'Welcome!', embeds: [{ title: 'Hi', description: 'there' }] });
    const dms = await sim.dmsTo('alice');
    expect(dms.map((m) => [m.content, m.embeds.length, m.author.id])).toEqual([['Welcome!', 1, sim.world.botUserId]]);

    await sim.setFaults({ dmClosed: ['alice'] });
    await expect(alice.send('again')).rejects.toMatchObject({ code: 50007, status: 403 });
    expect(await sim.dmsTo('alice')).toHaveLength(1);
  });

  it('dispatches slash commands with resolved options, member permissions and locale', async () => {
    const seen: Record<string, unknown> = {};
    const deferralSeen = gate();
    onInteraction = async (i) => {
      if (!i.isChatInputCommand()) return;
      seen.who = i.options.getUser('who')?.username;
      seen.whoIsMember = i.options.getMember('who') !== null;
      seen.n = i.options.getInteger('n');
      seen.locale = i.locale;
      seen.guildLocale = i.guildLocale;
      seen.manageRoles = i.memberPermissions?.has(PermissionFlagsBits.ManageRoles);
      seen.appManageRoles = i.appPermissions?.has(PermissionFlagsBits.ManageRoles);
      seen.context = i.context;
      await i.deferReply({ flags: MessageFlags.Ephemeral });
      // the edit comes once the test has seen the deferral
      await deferralSeen.passed;
      await i.editReply(`pong x${String(seen.n)}`);
    };
    const h = await sim.slash({ user: 'bob', name: 'ping', options: { who: 'alice', n: 2 } });
    const first = await h.waitForResponse();
    deferralSeen.open();
    expect(first.callbacks.map((c) => c.type)).toEqual([5]);
    expect(first.callbacks[0].authPresent).toBe(false);
    const final = await h.waitForFinal();
    expect(final).toMatchObject({ content: 'pong x2', ephemeral: true, deferred: false, status: 'responded' });
    expect(seen).toEqual({
      who: 'alice',
      whoIsMember: true,
      n: 2,
      locale: 'fr',
      guildLocale: 'en-US',
      manageRoles: false,
      appManageRoles: true,
      context: 0,
    });
    const webhookEdits = await sim.requests({ route: 'PATCH /webhooks/:webhook_id/:webhook_token/messages/@original' });
    expect(webhookEdits.map((r) => [r.status, r.authPresent])).toEqual([[200, false]]);
  });

  it('clicks buttons on the bot message; disabled buttons cannot be clicked', async () => {
    onInteraction = async (i) => {
      if (i.isChatInputCommand()) {
        const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
          new ButtonBuilder().setCustomId('yes').setLabel('Yes').setStyle(ButtonStyle.Primary),
          new ButtonBuilder().setCustomId('no').setLabel('No').setStyle(ButtonStyle.Secondary).setDisabled(true),
        );
        await i.reply({ content: 'Sure?', components: [row], withResponse: true });
      } else if (i.isButton()) {
        await i.update({ content: `clicked ${i.customId} by ${i.user.username}`, components: [] });
      }
    };
    const h = await sim.slash({ user: 'alice', name: 'ping', options: { who: 'bob' } });
    const reply = await h.waitForFinal();
    expect(reply.content).toBe('Sure?');
    expect(reply.ephemeral).toBe(false);
    await expect(sim.click({ user: 'alice', customId: 'no', messageOf: h })).rejects.toThrow(/disabled/);
    await expect(sim.click({ user: 'alice', customId: 'maybe', messageOf: h })).rejects.toThrow(/no button/);
    const c = await sim.click({ user: 'alice', customId: 'yes', messageOf: h });
    const after = await c.waitForFinal();
    expect(after.callbacks.map((x) => x.type)).toEqual([7]);
    expect(after.content).toBe('clicked yes by alice');
    expect((await h.view()).content).toBe('clicked yes by alice');
    const general = await sim.messages(sim.world.channelId);
    expect(general.map((m) => m.content)).toEqual(['clicked yes by alice']);
  });

  it("refuses what Discord's client would not allow", async () => {
    await expect(
      sim.slash({ user: 'alice', name: 'admin', subcommand: 'say', options: { text: 'x' } }),
    ).rejects.toThrow(/default_member_permissions/);
    await expect(
      sim.slash({ user: 'admin', name: 'admin', subcommand: 'say', options: { text: 'x'.repeat(11) } }),
    ).rejects.toThrow(/longer than 10/);
    await expect(sim.slash({ user: 'admin', name: 'admin', options: {} })).rejects.toThrow(/needs a subcommand/);
    await expect(
      sim.slash({ user: 'admin', name: 'admin', subcommand: 'say', guildId: null, options: { text: 'x' } }),
    ).rejects.toThrow(/not available in DMs/);
    await expect(sim.slash({ user: 'alice', name: 'ping', options: { who: 'bob', n: 9 } })).rejects.toThrow(
      /max_value/,
    );
    await expect(sim.slash({ user: 'alice', name: 'ping', options: {} })).rejects.toThrow(/required option "who"/);
    await expect(sim.slash({ user: 'alice', name: 'ping', options: { who: 'bob', extra: 1 } })).rejects.toThrow(
      /unknown option/,
    );
    await expect(sim.slash({ user: 'carol', name: 'ping', options: { who: 'bob' } })).rejects.toThrow(/not a member/);
    await expect(sim.slash({ user: 'alice', name: 'nope' })).rejects.toThrow(/no chat input command/);

    onInteraction = async (i) => {
      if (i.isChatInputCommand()) await i.reply({ content: `dm ${String(i.inGuild())} ${i.user.username}` });
    };
    const dm = await sim.slash({ user: 'carol', name: 'ping', guildId: null, options: { who: 'bob' } });
    const v = await dm.waitForFinal();
    expect(v.content).toBe('dm false carol');
    expect((await sim.dmsTo('carol')).map((m) => m.content)).toEqual(['dm false carol']);
  });

  it('dispatches user-installed commands in private channels (context 2)', async () => {
    const seen: unknown[] = [];
    onInteraction = async (i) => {
      if (!i.isChatInputCommand()) return;
      seen.push([i.context, i.inGuild(), i.authorizingIntegrationOwners[ApplicationIntegrationType.UserInstall]]);
      await i.reply({ content: `you are ${i.user.username}`, flags: MessageFlags.Ephemeral });
    };
    const h = await sim.slash({ user: 'carol', name: 'whoami', context: 2, privateChannelWith: 'dave' });
    expect(await h.waitForFinal()).toMatchObject({ content: 'you are carol', ephemeral: true });
    expect(seen).toEqual([[2, false, sim.world.users.carol]]);
    await expect(sim.slash({ user: 'carol', name: 'ping', context: 2, options: { who: 'bob' } })).rejects.toThrow(
      /not user-installable/,
    );
    // the bot is not in that channel: it cannot post there outside the interaction
    const channelId = (await h.view()).channelId;
    await expect(client.rest.post(`/channels/${channelId}/messages`, { body: { content: 'x' } })).rejects.toMatchObject(
      {
        code: 50001,
      },
    );
  });

  it('fails interactions not answered in time and rejects late callbacks with 10062', async () => {
    await sim.setConfig({ interactionTimeoutMs: 150 });
    const late: unknown[] = [];
    const failed = gate();
    const answered = gate();
    onInteraction = async (i) => {
      if (!i.isChatInputCommand()) return;
      // the reply comes once the interaction has failed
      await failed.passed;
      await i.reply('too late').catch((e: unknown) => late.push(e));
      answered.open();
    };
    const h = await sim.slash({ user: 'alice', name: 'slow' });
    const v = await h.waitForResponse();
    expect(v).toMatchObject({ status: 'failed', failure: 'The application did not respond' });
    await expect(h.waitForFinal()).rejects.toThrow(/did not respond/);
    failed.open();
    await answered.passed;
    expect(late).toHaveLength(1);
    expect(late[0]).toBeInstanceOf(DiscordAPIError);
    expect(late[0]).toMatchObject({ code: 10062, status: 404 });
  });

  it('rejects follow-ups and edits after the token expired with 50027', async () => {
    const errors: unknown[] = [];
    const expired = gate();
    const done = gate();
    onInteraction = async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.reply('first');
      // the edit and the follow-up come once the token has expired
      await expired.passed;
      await i.editReply('second').catch((e: unknown) => errors.push(e));
      await i.followUp('third').catch((e: unknown) => errors.push(e));
      done.open();
    };
    const h = await sim.slash({ user: 'alice', name: 'slow' });
    expect((await h.waitForFinal()).content).toBe('first');
    // the token's lifetime ends now (it is older than 0 ms) rather than after a wait
    await sim.setConfig({ interactionTokenLifetimeMs: 0 });
    expired.open();
    await done.passed;
    await sim.waitForRequests({ route: 'POST /webhooks/:webhook_id/:webhook_token' });
    expect(errors).toHaveLength(2);
    expect(errors.map((e) => (e as DiscordAPIError).code)).toEqual([50027, 50027]);
    expect((await h.view()).content).toBe('first');
  });

  it('applies role changes and dispatches GUILD_MEMBER_UPDATE back to the client', async () => {
    const guild = client.guilds.cache.get(sim.world.guildId);
    if (!guild) throw new Error('guild not cached');
    const member = await guild.members.fetch(sim.world.users.alice);
    const updated = new Promise<string[]>((resolve) =>
      client.once(Events.GuildMemberUpdate, (_old, m) => resolve([...m.roles.cache.keys()])),
    );
    await member.roles.add(sim.world.roles.premium);
    expect(await sim.memberRoleNames('alice')).toEqual(['premium']);
    expect(await updated).toContain(sim.world.roles.premium);

    await expect(member.roles.add(sim.world.roles.aboveBot)).rejects.toMatchObject({ code: 50013 });
    const botRoleChanged = next(client, Events.GuildRoleUpdate, (_old, role) => role.tags?.botId === client.user?.id);
    await sim.setFaults({ botMissingPermissions: true });
    await botRoleChanged;
    expect(guild.members.me?.permissions.has(PermissionFlagsBits.ManageRoles)).toBe(false);
    await expect(member.roles.remove(sim.world.roles.premium)).rejects.toMatchObject({ code: 50013 });
    expect(await sim.memberRoleNames('alice')).toEqual(['premium']);

    const restored = Promise.all([
      next(client, Events.GuildRoleUpdate, (_old, role) => role.tags?.botId === client.user?.id),
      next(client, Events.GuildMemberUpdate, (_old, m) => m.id === sim.world.users.alice),
    ]);
    await sim.reset();
    await restored;
    expect(guild.members.me?.permissions.has(PermissionFlagsBits.ManageRoles)).toBe(true);
    expect(guild.members.cache.get(sim.world.users.alice)?.roles.cache.has(sim.world.roles.premium)).toBe(false);
  });

  it('dispatches member join/leave only to sessions with the GuildMembers intent', async () => {
    const other = await login(sim, [GatewayIntentBits.Guilds]);
    try {
      const seenByOther: string[] = [];
      other.on(Events.Raw, (p: { t?: string }) => {
        if (p.t?.startsWith('GUILD_MEMBER')) seenByOther.push(p.t);
      });
      const joined = new Promise<string>((resolve) =>
        client.once(Events.GuildMemberAdd, (m) => resolve(m.user.username)),
      );
      await sim.memberJoin(sim.world.guildId, 'carol');
      expect(await joined).toBe('carol');
      const left = new Promise<string>((resolve) => client.once(Events.GuildMemberRemove, (m) => resolve(m.id)));
      await sim.memberLeave(sim.world.guildId, 'carol');
      expect(await left).toBe(sim.world.users.carol);
      // a marker dispatched to every session after the member events: it reaches `other` after any of them would
      const marker = new Promise<void>((resolve) =>
        other.on(Events.Raw, (p: { t?: string }) => {
          if (p.t === 'SIM_MARKER') resolve();
        }),
      );
      await sim.gatewayDispatch('SIM_MARKER', {});
      await marker;
      expect(seenByOther).toEqual([]);
    } finally {
      await other.destroy();
    }
  });

  it("lets discord.js's REST wait out 429s (per route and global) and succeed", async () => {
    const users = ['alice', 'bob', 'dave', 'erin'];
    const fetched = await Promise.all(users.map((u) => client.users.fetch(sim.world.users[u])));
    await Promise.all(fetched.map((u) => u.createDM()));
    await sim.setRateLimits({
      enabled: true,
      globalPerSecond: 1000,
      routes: [{ route: 'POST /channels/*/messages', limit: 2, windowMs: 150, scope: 'route' }],
    });
    const rateLimited: unknown[] = [];
    client.rest.on('rateLimited', (info) => rateLimited.push(info));
    await Promise.all(fetched.map((u) => u.send(`hello ${u.username}`)));
    for (const u of users) expect((await sim.dmsTo(u)).map((m) => m.content)).toEqual([`hello ${u}`]);
    const perRoute = await sim.requests({ route: 'POST /channels/:channel_id/messages', status: 429 });
    expect(perRoute.length).toBeGreaterThan(0);

    await sim.setRateLimits({
      enabled: true,
      globalPerSecond: 3,
      perRoute: { limit: 100, windowMs: 1000 },
      routes: [],
    });
    const t0 = Date.now();
    const again = await Promise.all(users.map((u) => client.users.fetch(sim.world.users[u], { force: true })));
    expect(again.map((u) => u.username)).toEqual(users);
    const global = await sim.requests({ route: 'GET /users/:user_id', status: 429 });
    expect(global.length).toBeGreaterThan(0);
    expect(global[0].error).toMatchObject({ global: true });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(200);
    expect(await sim.rateLimitHits()).toBe(perRoute.length + global.length);
  });

  it('resumes after an op 7 RECONNECT and keeps receiving interactions', async () => {
    expect(await sim.gatewayReconnect()).toBe(1);
    const resumed = new Promise<void>((resolve) => client.ws.shards.first()?.once('resumed', () => resolve()));
    await resumed;
    const [session] = (await sim.sessions()).filter((s) => s.open);
    expect(session.resumed).toBe(1);
    onInteraction = async (i) => {
      if (i.isChatInputCommand()) await i.reply({ content: 'still here', flags: MessageFlags.Ephemeral });
    };
    const h = await sim.slash({ user: 'erin', name: 'slow' });
    expect(await h.waitForFinal()).toMatchObject({ content: 'still here', ephemeral: true });
  });
});
