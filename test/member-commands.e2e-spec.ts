import { SubscriptionService } from '../src/subscription/subscription.service';
import { Logger } from '@nestjs/common';
import { BACKEND_PATHS } from '../tools/demo-backend/demo-backend';
import {
  DiscordSim,
  type InteractionHandle,
  type InteractionView,
  type RegisteredCommand,
} from '../tools/discord-sim/sim-client';
import { defaultGuildSpec } from '../tools/discord-sim/world';
import { startHarness, type Harness } from './support/e2e-harness';

// Issue 4 end to end: the real AppModule, the Discord simulator as Discord, the demo backend as the website
// backend. Every assertion is on what reached Discord (or the backend), never on the bot's internals.

const ADMINISTRATOR = '8';
const EPHEMERAL = 64;
const DEFERRED_REPLY = 5;
const DEFERRED_UPDATE = 6;
const REPLY = 4;

/** Intl puts (narrow) no-break spaces in "99,00 €"; compare with plain spaces. */
const plain = (s: string | null | undefined) => (s ?? '').replace(/[\u00a0\u202f]/g, ' ');

interface Embed {
  title?: string;
  description?: string;
  fields?: Array<{ name: string; value: string }>;
  footer?: { text: string };
}
interface Button {
  type: number;
  style: number;
  label?: string;
  url?: string;
  custom_id?: string;
  disabled?: boolean;
}

const embedOf = (v: InteractionView): Embed => (v.embeds as Embed[])[0] ?? {};
const buttonsOf = (v: Pick<InteractionView, 'components'>): Button[] =>
  (v.components as Array<{ components: Button[] }>).flatMap((row) => row.components);
const fieldsOf = (v: InteractionView) =>
  Object.fromEntries((embedOf(v).fields ?? []).map((f) => [f.name, plain(f.value)]));
/** Everything the user sees, as one string (for "never undefined/NaN" checks). */
const visible = (v: Pick<InteractionView, 'content' | 'embeds' | 'components'>) =>
  JSON.stringify([v.content, v.embeds, v.components]);

/** The world: the simulator's default guild plus frank (30 invoices) and sam (holds a `support` role), and a
 * second guild where bob, erin and sam are administrators, so Discord lets them run /admin there and only the
 * bot's own staff check stands between them and other members' billing data. */
function world() {
  const moddy = defaultGuildSpec();
  return {
    users: [
      { name: 'frank', locale: 'en-US', globalName: 'Frank' },
      { name: 'sam', locale: 'en-US', globalName: 'Sam' },
    ],
    guilds: [
      {
        ...moddy,
        roles: [...(moddy.roles ?? []), { name: 'support' }],
        members: [
          ...(moddy.members ?? []).filter((m) => m.user !== 'frank'),
          { user: 'frank' },
          { user: 'sam', roles: ['support'] },
        ],
      },
      {
        name: 'Elsewhere',
        owner: 'bob',
        roles: [{ name: 'admin', permissions: ADMINISTRATOR }],
        channels: [{ name: 'lobby' }],
        members: [
          { user: 'bob' },
          { user: 'carol', roles: ['admin'] },
          { user: 'erin', roles: ['admin'] },
          { user: 'sam', roles: ['admin'] },
        ],
      },
    ],
  };
}

describe('member commands (issue 4)', () => {
  let sim: DiscordSim;
  let h: Harness;
  let elsewhere: string;
  const id = (name: string) => sim.userId(name);

  beforeAll(async () => {
    sim = await DiscordSim.start({ world: world() });
    elsewhere = sim.world.guilds[1].id;
    h = await startHarness({
      sim,
      env: {
        // The shipped default, so the "answer within 10 s" test proves the real timing budget.
        BACKEND_TIMEOUT_MS: '5000',
        ADMIN_USER_IDS: sim.world.users.erin,
        ADMIN_ROLE_IDS: sim.world.roles.support,
      },
    });
  });

  afterAll(async () => {
    await h?.close();
    await sim?.stop();
  });

  beforeEach(async () => {
    await sim.reset();
    h.backend.reset();
    // The subscription cache outlives a test (POST /internal/subscription/refresh empties it too, but it
    // also re-syncs roles, which would add backend calls and role changes to every test).
    const subscriptions = h.app.get(SubscriptionService);
    for (const userId of Object.values(sim.world.users)) subscriptions.forget(userId);
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    // Whatever the test, the bot spoke valid Discord: no 50035 Invalid Form Body, no unknown route.
    expect(await sim.invalidRequests()).toEqual([]);
    expect(await sim.unknownRoutes()).toEqual([]);
  });

  const final = async (handle: Promise<InteractionHandle>) => (await handle).waitForFinal();
  const subscriptionCalls = () => h.backend.requests(BACKEND_PATHS.subscriptionInfo);
  const invoiceCalls = () => h.backend.requests(BACKEND_PATHS.invoices);

  describe('registration', () => {
    let commands: RegisteredCommand[];
    const named = (name: string) => {
      const found = commands.find((c) => c.name === name);
      if (!found) throw new Error(`/${name} is not registered`);
      return found;
    };

    beforeAll(async () => {
      commands = await sim.commands();
    });

    it('should register /subscription and /invoices globally, with fr and en-US descriptions', () => {
      expect(named('subscription')).toMatchObject({
        description: 'See your Moddy subscription',
        description_localizations: { 'en-US': 'See your Moddy subscription', fr: 'Voir votre abonnement Moddy' },
        default_member_permissions: null,
      });
      expect(named('invoices')).toMatchObject({
        description: 'See your Moddy invoices',
        description_localizations: { 'en-US': 'See your Moddy invoices', fr: 'Voir vos factures Moddy' },
      });
      expect(commands.filter((c) => c.guild_id)).toEqual([]);
    });

    it('should make /subscription and /invoices work in guilds, DMs and user installs', () => {
      for (const name of ['subscription', 'invoices']) {
        expect([...(named(name).integration_types ?? [])].sort()).toEqual([0, 1]);
        expect([...(named(name).contexts ?? [])].sort()).toEqual([0, 1, 2]);
      }
    });

    it('should declare the invoices limit as an optional integer from 1 to 100', () => {
      expect(named('invoices').options).toEqual([
        expect.objectContaining({
          type: 4,
          name: 'limit',
          required: false,
          min_value: 1,
          max_value: 100,
          description_localizations: expect.objectContaining({
            'en-US': expect.any(String),
            fr: expect.stringContaining('factures'),
          }) as unknown,
        }),
      ]);
    });

    it('should register one /admin root for administrators, guild only, with the member views as subcommands', () => {
      const admin = named('admin');
      expect(admin.default_member_permissions).toBe(ADMINISTRATOR);
      expect(admin.contexts).toEqual([0]);
      expect(admin.integration_types).toEqual([0]);
      expect(admin.description_localizations).toEqual(
        expect.objectContaining({ 'en-US': 'Moddy staff tools', fr: 'Outils de l’équipe Moddy' }),
      );
      expect((admin.options ?? []).map((o) => o.name)).toEqual(expect.arrayContaining(['subscription', 'invoices']));
      const byName = Object.fromEntries((admin.options ?? []).map((o) => [o.name, o]));
      for (const sub of ['subscription', 'invoices']) {
        expect(byName[sub]).toMatchObject({
          type: 1,
          description_localizations: { 'en-US': expect.any(String), fr: expect.any(String) },
        });
        expect(byName[sub].options?.[0]).toMatchObject({ type: 6, name: 'user', required: true });
      }
      expect(byName.invoices.options?.[1]).toMatchObject({
        type: 4,
        name: 'limit',
        required: false,
        min_value: 1,
        max_value: 100,
      });
      expect(commands.filter((c) => c.name === 'admin')).toHaveLength(1);
    });
  });

  describe('/subscription', () => {
    it('should defer privately at once, then show an active yearly subscription in English', async () => {
      const view = await final(sim.slash({ user: 'alice', name: 'subscription', locale: 'en-US' }));
      expect(view.callbacks[0]).toMatchObject({ type: DEFERRED_REPLY, data: { flags: EPHEMERAL } });
      expect(view.callbacks).toHaveLength(1);
      expect(view.ephemeral).toBe(true);
      expect(embedOf(view).title).toBe('Your Moddy subscription');
      expect(fieldsOf(view)).toEqual({
        Status: '🟢 Active',
        Billing: 'Yearly',
        Price: '€99.00 per year',
        Renews: '<t:1803891600:D> (<t:1803891600:R>)',
        // alice pays but did not hold the premium role in the simulator's server: the command gave it.
        'Premium role': '✅ Applied just now in the Moddy server.',
      });
      expect(buttonsOf(view)).toEqual([
        { type: 2, style: 5, label: 'Manage subscription', url: 'https://moddy.example/billing' },
      ]);
      expect(subscriptionCalls().map((r) => r.body)).toEqual([{ discord_id: id('alice') }]);
      // Deferred before asking the backend (same host clock for the simulator and the demo backend).
      expect(view.callbacks[0].at).toBeLessThanOrEqual(subscriptionCalls()[0].time.getTime());
    });

    it('should answer in French when the interaction says fr', async () => {
      const view = await final(sim.slash({ user: 'alice', name: 'subscription', locale: 'fr' }));
      expect(view.ephemeral).toBe(true);
      expect(embedOf(view).title).toBe('Votre abonnement Moddy');
      expect(fieldsOf(view)).toEqual({
        Statut: '🟢 Actif',
        Facturation: 'Annuel',
        Prix: '99,00 € par an',
        Renouvellement: '<t:1803891600:D> (<t:1803891600:R>)',
        'Rôle premium': '✅ Appliqué à l’instant sur le serveur Moddy.',
      });
      expect(buttonsOf(view).map((b) => b.label)).toEqual(['Gérer l’abonnement']);
    });

    it('should announce a scheduled cancellation, in both languages', async () => {
      const fr = await final(sim.slash({ user: 'bob', name: 'subscription', locale: 'fr' }));
      expect(plain(embedOf(fr).description)).toBe(
        'Résiliation programmée : l’abonnement prend fin le <t:1796893200:D> et ne sera pas renouvelé.',
      );
      expect(fieldsOf(fr)).toMatchObject({ Facturation: 'Mensuel', Prix: '9,99 € par mois', Fin: expect.any(String) });

      const en = await final(sim.slash({ user: 'bob', name: 'subscription', locale: 'en-US' }));
      expect(embedOf(en).description).toBe(
        'Cancellation scheduled: the subscription ends on <t:1796893200:D> and will not renew.',
      );
      expect(fieldsOf(en)).toMatchObject({ Price: '€9.99 per month', Ends: '<t:1796893200:D> (<t:1796893200:R>)' });
    });

    it('should warn about a failed payment and offer "Update payment method"', async () => {
      const en = await final(sim.slash({ user: 'dave', name: 'subscription', locale: 'en-US' }));
      expect(fieldsOf(en).Status).toBe('🟠 Payment overdue');
      expect(embedOf(en).description).toContain('The last payment failed');
      expect(buttonsOf(en)).toEqual([
        { type: 2, style: 5, label: 'Update payment method', url: 'https://moddy.example/billing' },
        { type: 2, style: 5, label: 'Manage subscription', url: 'https://moddy.example/billing' },
      ]);

      const fr = await final(sim.slash({ user: 'dave', name: 'subscription', locale: 'fr' }));
      expect(fieldsOf(fr).Statut).toBe('🟠 Paiement en retard');
      expect(buttonsOf(fr).map((b) => b.label)).toEqual(['Mettre à jour le paiement', 'Gérer l’abonnement']);
    });

    it('should answer someone without a subscription kindly, with the billing button', async () => {
      const en = await final(sim.slash({ user: 'erin', name: 'subscription', locale: 'en-US' }));
      expect(embedOf(en).description).toContain('You do not have a Moddy subscription yet');
      expect(buttonsOf(en)).toEqual([{ type: 2, style: 5, label: 'Subscribe', url: 'https://moddy.example/billing' }]);
      const fr = await final(sim.slash({ user: 'erin', name: 'subscription', locale: 'fr' }));
      expect(embedOf(fr).description).toContain('Vous n’avez pas encore d’abonnement Moddy');
      expect(buttonsOf(fr).map((b) => b.label)).toEqual(['S’abonner']);
    });

    it('should follow the Discord client locale when none is forced, and fall back to en-US for others', async () => {
      // bob's client is French; erin's is Spanish, which has no catalogue (DEFAULT_LOCALE is en-US).
      expect(embedOf(await final(sim.slash({ user: 'bob', name: 'subscription' }))).title).toBe(
        'Votre abonnement Moddy',
      );
      expect(embedOf(await final(sim.slash({ user: 'erin', name: 'subscription' }))).title).toBe(
        'Your Moddy subscription',
      );
    });

    it('should work in a DM with the bot', async () => {
      const view = await final(sim.slash({ user: 'alice', name: 'subscription', guildId: null, locale: 'fr' }));
      expect(view.guildId).toBeNull();
      expect(view.callbacks[0]).toMatchObject({ type: DEFERRED_REPLY, data: { flags: EPHEMERAL } });
      expect(view.ephemeral).toBe(true);
      expect(fieldsOf(view).Prix).toBe('99,00 € par an');
    });
  });

  describe('/invoices', () => {
    /** Posts a message as the bot, through the simulator's REST API (the same one the bot uses). */
    async function postAsBot(channelId: string, body: object): Promise<{ id: string }> {
      const response = await fetch(`${sim.apiUrl}/v10/channels/${channelId}/messages`, {
        method: 'POST',
        headers: { authorization: `Bot ${sim.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(200);
      return (await response.json()) as { id: string };
    }

    const lines = (v: InteractionView | { embeds: unknown[] }) =>
      ((v.embeds[0] as Embed | undefined)?.description ?? '').split('\n');
    const dateTag = (created: string) => `<t:${Math.floor(Date.parse(created) / 1000)}:D>`;
    const frankInvoices = () => {
      const answer = invoiceCalls()[0]?.response as { invoices: Array<{ created: string }> } | undefined;
      if (!answer) throw new Error('no invoices answer recorded');
      return answer.invoices;
    };

    it('should page 30 invoices 5 at a time and let the caller turn the pages', async () => {
      const handle = await sim.slash({ user: 'frank', name: 'invoices', options: { limit: 30 }, locale: 'en-US' });
      const first = await handle.waitForFinal();
      expect(first.callbacks[0]).toMatchObject({ type: DEFERRED_REPLY, data: { flags: EPHEMERAL } });
      expect(first.ephemeral).toBe(true);
      expect(invoiceCalls().map((r) => r.body)).toEqual([{ discord_id: id('frank'), limit: 30 }]);
      const invoices = frankInvoices();
      expect(invoices).toHaveLength(30);
      expect(embedOf(first).title).toBe('Your Moddy invoices');
      expect(embedOf(first).footer?.text).toBe('Page 1 of 6 · 30 invoices');
      expect(lines(first)).toHaveLength(5);
      lines(first).forEach((line, i) => expect(line.startsWith(dateTag(invoices[i].created))).toBe(true));
      const [previous, next] = buttonsOf(first);
      expect(previous).toMatchObject({ label: '◀ Previous', disabled: true });
      expect(next).toMatchObject({ label: 'Next ▶', disabled: false });

      const click = await sim.click({ user: 'frank', customId: next.custom_id ?? '', messageOf: handle });
      const clicked = await click.waitForFinal();
      expect(clicked.callbacks.map((c) => c.type)).toEqual([DEFERRED_UPDATE]);
      const second = await handle.view();
      expect(second.original?.id).toBe(first.original?.id);
      expect(embedOf(second).footer?.text).toBe('Page 2 of 6 · 30 invoices');
      lines(second).forEach((line, i) => expect(line.startsWith(dateTag(invoices[5 + i].created))).toBe(true));
      const [previous2, next2] = buttonsOf(second);
      expect(previous2).toMatchObject({ disabled: false });
      expect(next2).toMatchObject({ disabled: false });

      await (await sim.click({ user: 'frank', customId: previous2.custom_id ?? '', messageOf: handle })).waitForFinal();
      const back = await handle.view();
      expect(embedOf(back).footer?.text).toBe('Page 1 of 6 · 30 invoices');
      expect(lines(back)).toEqual(lines(first));
      expect(visible(back)).not.toMatch(/undefined|NaN/);
    });

    it('should show each invoice with date, localized amount, status and PDF link', async () => {
      const view = await final(sim.slash({ user: 'alice', name: 'invoices', locale: 'fr' }));
      expect(embedOf(view).title).toBe('Vos factures Moddy');
      expect(lines(view).map(plain)).toEqual([
        '<t:1772355600:D> · **99,00 €** · ✅ Payée · [PDF](https://pay.moddy.example/invoice/in_1DemoAlice0002.pdf)',
        '<t:1740819600:D> · **99,00 €** · ✅ Payée · [PDF](https://pay.moddy.example/invoice/in_1DemoAlice0001.pdf)',
      ]);
      expect(view.components).toEqual([]);
    });

    it('should refuse the page buttons to anyone but the caller, privately, and leave the message alone', async () => {
      const handle = await sim.slash({ user: 'frank', name: 'invoices', options: { limit: 30 } });
      const first = await handle.waitForFinal();
      const next = buttonsOf(first)[1].custom_id ?? '';
      // Discord shows an ephemeral message to its owner only, so a stranger's click is simulated on a public
      // copy of the same buttons: the check must hold on our side whatever Discord shows to whom.
      const copy = await postAsBot(sim.world.channelId, { embeds: first.embeds, components: first.components });
      const before = (await sim.messages(sim.world.channelId)).find((m) => m.id === copy.id);
      const callsBefore = invoiceCalls().length;

      const stranger = await sim.click({
        user: 'bob',
        customId: next,
        messageOf: { messageId: copy.id, channelId: sim.world.channelId },
      });
      const refusal = await stranger.waitForFinal();
      expect(refusal.callbacks).toEqual([
        expect.objectContaining({ type: REPLY, data: expect.objectContaining({ flags: EPHEMERAL }) as unknown }),
      ]);
      expect(refusal.ephemeral).toBe(true);
      expect(refusal.content).toBe('Seule la personne qui a lancé la commande peut utiliser ces boutons.');
      const after = (await sim.messages(sim.world.channelId)).find((m) => m.id === copy.id);
      expect(after).toEqual(before);
      expect(after?.edited_timestamp).toBeNull();
      expect(embedOf(await handle.view()).footer?.text).toBe('Page 1 of 6 · 30 invoices');
      expect(invoiceCalls()).toHaveLength(callsBefore);
    });

    it('should turn the pages in a DM with the bot too', async () => {
      const handle = await sim.slash({ user: 'frank', name: 'invoices', guildId: null, locale: 'fr' });
      const first = await handle.waitForFinal();
      expect(first.guildId).toBeNull();
      expect(embedOf(first).footer?.text).toBe('Page 1 sur 2 · 10 factures');
      const next = buttonsOf(first)[1].custom_id ?? '';
      await (await sim.click({ user: 'frank', customId: next, messageOf: handle, locale: 'fr' })).waitForFinal();
      expect(embedOf(await handle.view()).footer?.text).toBe('Page 2 sur 2 · 10 factures');
    });

    it('should ask the backend for 10 invoices when no limit is given', async () => {
      const view = await final(sim.slash({ user: 'bob', name: 'invoices', locale: 'en-US' }));
      expect(invoiceCalls().map((r) => r.body)).toEqual([{ discord_id: id('bob'), limit: 10 }]);
      expect(embedOf(view).footer?.text).toBe('Page 1 of 2 · 6 invoices');
    });

    it('should answer someone without invoices kindly', async () => {
      const en = await final(sim.slash({ user: 'erin', name: 'invoices', locale: 'en-US' }));
      expect(embedOf(en).description).toBe('You have no invoices yet.');
      expect(en.components).toEqual([]);
      const fr = await final(sim.slash({ user: 'erin', name: 'invoices', locale: 'fr', guildId: null }));
      expect(embedOf(fr).description).toBe('Vous n’avez encore aucune facture.');
      expect(fr.ephemeral).toBe(true);
    });

    it('should let Discord refuse a limit out of 1..100 before it reaches the bot', async () => {
      await expect(sim.slash({ user: 'frank', name: 'invoices', options: { limit: 0 } })).rejects.toThrow();
      await expect(sim.slash({ user: 'frank', name: 'invoices', options: { limit: 101 } })).rejects.toThrow();
      expect(invoiceCalls()).toHaveLength(0);
    });
  });

  describe('/admin', () => {
    it('should show staff the subscription of a member', async () => {
      const view = await final(
        sim.slash({ user: 'admin', name: 'admin', subcommand: 'subscription', options: { user: 'alice' } }),
      );
      expect(view.callbacks[0]).toMatchObject({ type: DEFERRED_REPLY, data: { flags: EPHEMERAL } });
      expect(view.ephemeral).toBe(true);
      expect(embedOf(view).title).toBe(`Subscription of <@${id('alice')}>`);
      expect(fieldsOf(view)).toMatchObject({ Status: '🟢 Active', Price: '€99.00 per year' });
      expect(view.components).toEqual([]);
      expect(subscriptionCalls().map((r) => r.body)).toEqual([{ discord_id: id('alice') }]);
    });

    it('should show staff the invoices of a member and let them turn the pages', async () => {
      const handle = await sim.slash({
        user: 'admin',
        name: 'admin',
        subcommand: 'invoices',
        options: { user: 'frank' },
        locale: 'fr',
      });
      const first = await handle.waitForFinal();
      expect(first.ephemeral).toBe(true);
      expect(embedOf(first).title).toBe(`Factures de <@${id('frank')}>`);
      expect(embedOf(first).footer?.text).toBe('Page 1 sur 2 · 10 factures');
      expect(invoiceCalls().map((r) => r.body)).toEqual([{ discord_id: id('frank'), limit: 10 }]);

      const next = buttonsOf(first)[1].custom_id ?? '';
      await (await sim.click({ user: 'admin', customId: next, messageOf: handle, locale: 'fr' })).waitForFinal();
      expect(embedOf(await handle.view()).footer?.text).toBe('Page 2 sur 2 · 10 factures');
      expect(invoiceCalls().map((r) => r.body)).toEqual([
        { discord_id: id('frank'), limit: 10 },
        { discord_id: id('frank'), limit: 10 },
      ]);
    });

    it('should be hidden by Discord from members without Administrator in the guild', async () => {
      await expect(
        sim.slash({ user: 'bob', name: 'admin', subcommand: 'subscription', options: { user: 'alice' } }),
      ).rejects.toThrow(/default_member_permissions/);
    });

    it('should refuse an administrator of another guild who is not Moddy staff, before any backend call', async () => {
      for (const [subcommand, options] of [
        ['subscription', { user: 'alice' }],
        ['invoices', { user: 'frank', limit: 5 }],
      ] as const) {
        const view = await final(
          sim.slash({ user: 'bob', name: 'admin', subcommand, options, guildId: elsewhere, locale: 'fr' }),
        );
        expect(view.callbacks).toEqual([
          expect.objectContaining({ type: REPLY, data: expect.objectContaining({ flags: EPHEMERAL }) as unknown }),
        ]);
        expect(view.ephemeral).toBe(true);
        expect(view.content).toBe('Cette commande est réservée à l’équipe Moddy.');
        expect(view.embeds).toEqual([]);
      }
      expect(subscriptionCalls()).toHaveLength(0);
      expect(invoiceCalls()).toHaveLength(0);
    });

    it('should refuse an administrator of another guild who is not even in the Moddy guild', async () => {
      const view = await final(
        sim.slash({
          user: 'carol',
          name: 'admin',
          subcommand: 'subscription',
          options: { user: 'alice' },
          guildId: elsewhere,
        }),
      );
      expect(view.content).toBe('This command is for Moddy staff only.');
      expect(view.ephemeral).toBe(true);
      expect(subscriptionCalls()).toHaveLength(0);
    });

    it('should answer within Discord’s 3 s when the staff lookup is slow, without calling it a refusal', async () => {
      await sim.setFaults({ routeLatency: [{ route: 'GET /guilds/*/members/*', ms: 4000 }] });
      const view = await final(
        sim.slash({
          user: 'sam',
          name: 'admin',
          subcommand: 'subscription',
          options: { user: 'alice' },
          guildId: elsewhere,
        }),
      );
      expect(view.callbacks[0].at - view.createdAt).toBeLessThan(3000);
      expect(view.content).toBe('Something went wrong on our side. Please try again later.');
      expect(view.ephemeral).toBe(true);
      expect(subscriptionCalls()).toHaveLength(0);
    });

    it('should accept staff listed in ADMIN_USER_IDS and staff holding a role in ADMIN_ROLE_IDS', async () => {
      // erin is listed by id; sam holds the `support` role in the Moddy guild. Neither is Administrator there,
      // so both run /admin from the guild where they are.
      for (const user of ['erin', 'sam']) {
        const view = await final(
          sim.slash({ user, name: 'admin', subcommand: 'subscription', options: { user: 'dave' }, guildId: elsewhere }),
        );
        expect(embedOf(view).title).toBe(`Subscription of <@${id('dave')}>`);
        expect(view.ephemeral).toBe(true);
      }
    });
  });

  describe('when the backend fails', () => {
    const unavailableEn = 'Moddy billing is temporarily unavailable. Please try again in a moment.';
    const unavailableFr = 'La facturation Moddy est momentanément indisponible. Réessayez dans un instant.';
    const deliveredAfter = (v: InteractionView) => (v.edits.at(-1)?.at ?? Infinity) - v.createdAt;

    it('should say "temporarily unavailable" within 10 s when the backend hangs', async () => {
      h.backend.delay(BACKEND_PATHS.subscriptionInfo, 20_000);
      const view = await final(sim.slash({ user: 'alice', name: 'subscription', locale: 'en-US' }));
      expect(view.callbacks[0]).toMatchObject({ type: DEFERRED_REPLY, data: { flags: EPHEMERAL } });
      expect(view.content).toBe(unavailableEn);
      expect(view.embeds).toEqual([]);
      expect(view.ephemeral).toBe(true);
      expect(deliveredAfter(view)).toBeLessThan(10_000);
      expect(subscriptionCalls().length).toBeGreaterThanOrEqual(2);
    }, 20_000);

    it('should say "temporarily unavailable" after retrying a 5xx, in the user’s language', async () => {
      h.backend.failWith(BACKEND_PATHS.subscriptionInfo, 500);
      const sub = await final(sim.slash({ user: 'bob', name: 'subscription', locale: 'fr' }));
      expect(sub.content).toBe(unavailableFr);
      expect(deliveredAfter(sub)).toBeLessThan(10_000);
      expect(subscriptionCalls()).toHaveLength(3);

      h.backend.failWith(BACKEND_PATHS.invoices, 502);
      const inv = await final(sim.slash({ user: 'bob', name: 'invoices', locale: 'en-US' }));
      expect(inv.content).toBe(unavailableEn);
      expect(inv.components).toEqual([]);
      expect(invoiceCalls()).toHaveLength(3);
    });

    it('should recover on a retry when the backend fails only once', async () => {
      h.backend.failNext(BACKEND_PATHS.subscriptionInfo, 1, 503);
      const view = await final(sim.slash({ user: 'alice', name: 'subscription', locale: 'en-US' }));
      expect(fieldsOf(view).Status).toBe('🟢 Active');
      expect(subscriptionCalls()).toHaveLength(2);
    });

    it.each([401, 403])('should say the bot is misconfigured on %i and log one error', async (status) => {
      const errors = jest.spyOn(Logger.prototype, 'error');
      h.backend.failWith(BACKEND_PATHS.subscriptionInfo, status);
      const view = await final(sim.slash({ user: 'alice', name: 'subscription', locale: 'fr' }));
      expect(view.content).toBe(
        'Le bot est mal configuré, cela ne peut pas fonctionner pour le moment. L’équipe a été prévenue.',
      );
      expect(view.ephemeral).toBe(true);
      expect(subscriptionCalls()).toHaveLength(1);
      expect(errors).toHaveBeenCalledTimes(1);
      expect(String(errors.mock.calls[0][0])).toContain('INTERNAL_API_SECRET');
    });

    it('should say the bot is misconfigured when /invoices is refused, and log one error', async () => {
      const errors = jest.spyOn(Logger.prototype, 'error');
      h.backend.failWith(BACKEND_PATHS.invoices, 403);
      const view = await final(sim.slash({ user: 'frank', name: 'invoices', locale: 'en-US' }));
      expect(view.content).toBe('The bot is misconfigured, so this cannot work right now. The team has been alerted.');
      expect(errors).toHaveBeenCalledTimes(1);
    });

    it.each(['wrong-types', 'missing-fields', 'not-json', 'empty'] as const)(
      'should treat a %s answer as an error, never showing "undefined"',
      async (kind) => {
        h.backend.malform(BACKEND_PATHS.subscriptionInfo, kind);
        h.backend.malform(BACKEND_PATHS.invoices, kind);
        for (const name of ['subscription', 'invoices']) {
          const view = await final(sim.slash({ user: 'frank', name, locale: 'en-US' }));
          expect(view.content).toBe(unavailableEn);
          expect(view.embeds).toEqual([]);
          expect(view.components).toEqual([]);
          expect(visible(view)).not.toMatch(/undefined|NaN|null/);
        }
      },
    );

    it('should validate nested invoices and subscriptions, not only the envelope', async () => {
      h.backend.failWith(BACKEND_PATHS.invoices, 200, {
        body: { success: true, message: 'ok', invoices: [{ invoice_id: 'in_1', status: 'paid' }] },
      });
      h.backend.failWith(BACKEND_PATHS.subscriptionInfo, 200, {
        body: { success: true, message: 'ok', has_subscription: true, subscription: { status: 'active' } },
      });
      for (const name of ['invoices', 'subscription']) {
        const view = await final(sim.slash({ user: 'alice', name, locale: 'en-US' }));
        expect(view.content).toBe(unavailableEn);
        expect(visible(view)).not.toMatch(/undefined|NaN/);
      }
    });
  });

  describe('subscription cache', () => {
    it('should reuse a fresh answer instead of calling the backend again', async () => {
      const first = await final(sim.slash({ user: 'alice', name: 'subscription' }));
      const second = await final(sim.slash({ user: 'alice', name: 'subscription', locale: 'fr' }));
      expect(subscriptionCalls()).toHaveLength(1);
      expect(fieldsOf(first).Status).toBe('🟢 Active');
      expect(fieldsOf(second).Statut).toBe('🟢 Actif');
    });

    it('should call the backend again after POST /internal/subscription/refresh', async () => {
      await final(sim.slash({ user: 'alice', name: 'subscription' }));
      // A change the bot only hears about through refresh.
      const alice = h.backend.user('alice');
      if (!alice?.subscription) throw new Error('fixture alice has no subscription');
      h.backend.setUser({ ...alice, subscription: { ...alice.subscription, cancel_at_period_end: true } });
      const stale = await final(sim.slash({ user: 'alice', name: 'subscription' }));
      expect(embedOf(stale).description).toBeUndefined();
      expect(subscriptionCalls()).toHaveLength(1);

      const refresh = await h.call('/internal/subscription/refresh', { discord_id: id('alice') });
      expect(refresh.status).toBe(200);
      expect(refresh.body).toMatchObject({ success: true, message: expect.any(String), premium: true });

      const fresh = await final(sim.slash({ user: 'alice', name: 'subscription' }));
      // One call by the refresh itself (it re-syncs premium state and roles), one by the command.
      expect(subscriptionCalls()).toHaveLength(3);
      expect(embedOf(fresh).description).toContain('Cancellation scheduled');
    });

    it('should never cache a failure', async () => {
      h.backend.failNext(BACKEND_PATHS.subscriptionInfo, 3, 500);
      expect((await final(sim.slash({ user: 'alice', name: 'subscription' }))).content).toContain('unavailable');
      const view = await final(sim.slash({ user: 'alice', name: 'subscription' }));
      expect(fieldsOf(view).Status).toBe('🟢 Active');
      expect(subscriptionCalls()).toHaveLength(4);
    });

    it('should refuse a refresh with a bad discord_id in the contract’s 422 shape', async () => {
      for (const body of [{ discord_id: 'alice' }, { discord_id: Number(id('alice')) }, {}]) {
        const answer = await h.call('/internal/subscription/refresh', body);
        expect(answer.status).toBe(422);
        const { detail } = answer.body as { detail: unknown[] };
        expect(detail.length).toBeGreaterThan(0);
        for (const entry of detail) {
          expect(entry).toEqual({ loc: ['body', 'discord_id'], msg: expect.any(String), type: expect.any(String) });
        }
      }
    });

    it('should refuse a refresh without the shared secret', async () => {
      const answer = await h.call(
        '/internal/subscription/refresh',
        { discord_id: id('alice') },
        { authorization: 'Bearer wrong' },
      );
      expect(answer.status).toBe(403);
      expect(answer.body).toEqual({ error: 'Invalid secret' });
    });
  });
});
