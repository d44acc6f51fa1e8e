import type { APIEmbed } from 'discord.js';
import { BACKEND_PATHS } from '../tools/demo-backend/demo-backend';
import {
  DiscordSim,
  type InteractionHandle,
  type InteractionView,
  type SimMessage,
} from '../tools/discord-sim/sim-client';
import { defaultGuildSpec } from '../tools/discord-sim/world';
import { startHarness, type Harness } from './support/e2e-harness';
import { eventually } from './support/wait';
import { DiscordRestService } from '../src/discord/discord-rest.service';
import { MemberProfiles } from '../src/members/member-profiles.service';
import { DatabaseService } from '../src/storage/database.service';
import { CONFIRMATION_TTL_MS, RefundTiming } from '../src/refunds/refund-timing';

// Issue 5 end to end: the real AppModule, the Discord simulator as Discord, the demo backend as the website
// backend (whose refunds are NOT idempotent: every call it receives refunds again). Assertions are on what
// reached Discord and the backend.

const EPHEMERAL = 64;
const DEFERRED_REPLY = 5;
const DEFERRED_UPDATE = 6;
/** discord.js editing an interaction's original message (editReply). */
const EDIT_ORIGINAL = 'PATCH /webhooks/:webhook_id/:webhook_token/messages/@original';

const plain = (s: string | null | undefined) => (s ?? '').replace(/[\u00a0\u202f]/g, ' ');

interface Button {
  type: number;
  style: number;
  label?: string;
  custom_id?: string;
  disabled?: boolean;
}
const embedOf = (v: Pick<InteractionView, 'embeds'> | SimMessage): APIEmbed => v.embeds.at(0) ?? {};
const buttonsOf = (v: Pick<InteractionView, 'components'>): Button[] =>
  (v.components as Array<{ components: Button[] }>).flatMap((row) => row.components);
const fieldsOf = (e: APIEmbed) => Object.fromEntries((e.fields ?? []).map((f) => [f.name, plain(f.value)]));

/** The simulator's default world, plus a guild where erin is the owner: Discord lets her run /admin there,
 * and only the bot's own staff check stands between her and a refund. */
function world() {
  return {
    guilds: [
      defaultGuildSpec(),
      {
        name: 'Elsewhere',
        owner: 'erin',
        channels: [{ name: 'lobby' }],
        members: [{ user: 'erin' }, { user: 'bob' }],
      },
    ],
  };
}

describe('/admin refund (issue 5)', () => {
  let sim: DiscordSim;
  let h: Harness;
  let timing: RefundTiming;
  let auditChannel: string;
  const id = (name: string) => sim.userId(name);

  beforeAll(async () => {
    sim = await DiscordSim.start({ world: world() });
    auditChannel = sim.world.channels.announcements;
    h = await startHarness({
      sim,
      env: {
        // alice is staff by id but not a Discord administrator: she can press buttons, not run /admin here.
        ADMIN_USER_IDS: sim.world.users.alice,
        AUDIT_CHANNEL_ID: auditChannel,
      },
    });
    timing = h.app.get(RefundTiming);
  });

  afterAll(async () => {
    await h?.close();
    await sim?.stop();
  });

  beforeEach(async () => {
    await sim.reset();
    h.backend.reset();
    timing.confirmationTtlMs = CONFIRMATION_TTL_MS;
    // The demo backend numbers refunds from 1 again after a reset; real refund ids never repeat.
    const { db } = h.app.get(DatabaseService);
    await db.deleteFrom('refund_notices').execute();
    await db.deleteFrom('notifications').where('kind', '=', 'refund').execute();
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    expect(await sim.unknownRoutes()).toEqual([]);
    expect(await sim.invalidRequests()).toEqual([]);
  });

  const refundCalls = () => h.backend.requests(BACKEND_PATHS.refund);
  const auditMessages = () => sim.messages(auditChannel);
  const ask = async (options: Record<string, string | number>, user = 'admin', locale?: string) => {
    const handle = await sim.slash({ user, name: 'admin', subcommand: 'refund', options, locale });
    return { handle, view: await handle.waitForFinal() };
  };
  const press = async (handle: InteractionHandle, action: 'confirm' | 'cancel', locale?: string) =>
    (
      await sim.click({ user: 'admin', customId: `refund/${action}/${handle.id}`, messageOf: handle, locale })
    ).waitForFinal();

  /**
   * The confirmation is ephemeral, so Discord only shows it to the admin, and a disabled or removed button
   * cannot be pressed. A copy of the button in a channel stands for a re-delivered, forged or leaked custom id.
   */
  const redeliver = async (customId: string, user: string, locale?: string) => {
    const copy = await h.app.get(DiscordRestService).sendMessage(sim.world.channelId, {
      content: 'copy',
      components: [{ type: 1, components: [{ type: 2, style: 4, label: 'Confirm', custom_id: customId }] }],
    });
    const messageOf = { messageId: copy.id, channelId: copy.channel_id };
    return (await sim.click({ user, customId, messageOf, locale })).waitForFinal();
  };

  it('should register /admin refund with a required user, a bounded amount and a bounded reason', async () => {
    const admin = (await sim.commands()).find((c) => c.name === 'admin');
    const refund = admin?.options?.find((o) => o.name === 'refund');
    expect(admin?.default_member_permissions).toBe('8');
    expect(refund).toMatchObject({
      type: 1,
      description: 'Refund the last paid invoice of a member',
      description_localizations: { fr: 'Rembourser la dernière facture payée d’un membre' },
    });
    expect(refund?.options).toEqual([
      expect.objectContaining({ type: 6, name: 'user', required: true }),
      expect.objectContaining({ type: 10, name: 'amount', required: false, min_value: 0.01, max_value: 100000 }),
      expect.objectContaining({ type: 3, name: 'reason', required: false, max_length: 500 }),
    ]);
  });

  it('should confirm, refund once with the idempotency key, tell the member and write the audit', async () => {
    const { handle, view } = await ask({ user: 'bob', amount: 5, reason: 'Downtime on 3 Nov' });
    expect(view.callbacks[0]).toMatchObject({ type: DEFERRED_REPLY, data: { flags: EPHEMERAL } });
    expect(view.ephemeral).toBe(true);
    expect(embedOf(view).title).toBe('Confirm the refund');
    expect(fieldsOf(embedOf(view))).toEqual({
      Member: `<@${id('bob')}>`,
      Amount: '€5.00 (partial refund)',
      Invoice: expect.stringMatching(/^`in_1DemoBob000006` · <t:\d+:D> · €9\.99$/) as unknown,
      Reason: 'Downtime on 3 Nov',
    });
    expect(buttonsOf(view).map((b) => [b.label, b.custom_id, b.disabled])).toEqual([
      ['Confirm refund', `refund/confirm/${handle.id}`, false],
      ['Cancel', `refund/cancel/${handle.id}`, false],
    ]);
    // Nothing moves before Confirm.
    expect(refundCalls()).toEqual([]);

    const done = await press(handle, 'confirm');
    expect(done.callbacks[0]).toMatchObject({ type: DEFERRED_UPDATE });
    const calls = refundCalls();
    expect(calls).toHaveLength(1);
    expect(calls[0].idempotencyKey).toBe(`refund-${handle.id}`);
    expect(calls[0].body).toEqual({ discord_id: id('bob'), amount: 500, reason: 'Downtime on 3 Nov' });
    expect(h.backend.refunds()).toEqual([expect.objectContaining({ amount: 500, invoice_id: 'in_1DemoBob000006' })]);

    expect(embedOf(done).title).toBe('Refund made');
    expect(embedOf(done).description).toBe(`€5.00 was refunded to <@${id('bob')}>.\n<@${id('bob')}> was told by DM.`);
    expect(fieldsOf(embedOf(done))['Refund id']).toBe('`re_1Demo0000000001`');
    expect(done.components).toEqual([]);

    const dms = await sim.dmsTo('bob');
    expect(dms).toHaveLength(1);
    expect(embedOf(dms[0]).title).toBe('You have been refunded');
    expect(embedOf(dms[0]).description).toContain('€5.00');
    expect(embedOf(dms[0]).description).toContain('5 to 10 business days');
    expect(JSON.stringify(dms[0])).not.toContain('Downtime');

    const audit = await auditMessages();
    expect(audit).toHaveLength(1);
    expect(embedOf(audit[0]).title).toBe('Refund made');
    expect(fieldsOf(embedOf(audit[0]))).toMatchObject({
      Staff: `<@${id('admin')}> (\`${id('admin')}\`)`,
      Member: `<@${id('bob')}> (\`${id('bob')}\`)`,
      Amount: '€5.00',
      Reason: 'Downtime on 3 Nov',
      Result: '✅ Refunded',
      'Refund id': '`re_1Demo0000000001`',
      DM: 'Sent',
    });

    // The backend reporting the same refund later does not tell the member twice.
    const again = await h.call('/internal/refunds/notify', {
      discord_id: id('bob'),
      refund_id: 're_1Demo0000000001',
      amount: 500,
      currency: 'eur',
    });
    expect(again.body).toEqual({ success: true, message: 'Refund already notified', notification_sent: true });
    expect(await sim.dmsTo('bob')).toHaveLength(1);
    expect(await auditMessages()).toHaveLength(1);
  });

  it('should send exactly one refund when Confirm is delivered twice at once, or again later', async () => {
    // A slow backend keeps the first claim in flight while the second click arrives.
    h.backend.delay(BACKEND_PATHS.refund, 300, { times: 1 });
    const { handle } = await ask({ user: 'bob' });
    const customId = `refund/confirm/${handle.id}`;
    const clicks = await Promise.all([
      sim.click({ user: 'admin', customId, messageOf: handle }),
      sim.click({ user: 'admin', customId, messageOf: handle }),
    ]);
    await Promise.all(clicks.map((c) => c.waitForFinal()));
    const [a, b] = await eventually(
      () => Promise.all(clicks.map((c) => c.view())),
      (views) => views.every((v) => v.final) && buttonsOf(views[0]).length === 0,
      5000,
    );

    expect(refundCalls()).toHaveLength(1);
    expect(refundCalls()[0].body).toEqual({ discord_id: id('bob'), amount: null, reason: null });
    expect(h.backend.refunds()).toHaveLength(1);
    expect([...a.followUps, ...b.followUps].map((m) => [m.content, m.ephemeral])).toEqual([
      ['This refund is already being sent. If nothing happens, check the payment dashboard before trying again.', true],
    ]);
    expect(embedOf(a).title).toBe('Refund made');
    expect(embedOf(a).description).toContain('€9.99 was refunded');
    expect(await sim.dmsTo('bob')).toHaveLength(1);
    expect(await auditMessages()).toHaveLength(1);

    // Discord delivering the same button again later (here through a copy of it) is answered, and moves nothing.
    const again = await redeliver(customId, 'admin');
    expect(again.followUps.map((m) => m.content)).toEqual([
      'This refund request was already handled. Run `/admin refund` again if needed.',
    ]);
    expect(refundCalls()).toHaveLength(1);
  });

  it('should refuse a click after the confirmation expired, even when the buttons still show', async () => {
    const { handle } = await ask({ user: 'bob', amount: 2 });
    // As if the minute passed without this replica disabling the buttons (e.g. it restarted).
    jest.spyOn(timing, 'now').mockImplementation(() => Date.now() + CONFIRMATION_TTL_MS + 1000);
    const late = await press(handle, 'confirm');
    // The click itself answers with the expired view, not a private note.
    expect(late.followUps.map((m) => m.content)).toEqual([]);
    // The message itself says so, title and text: it no longer reads as a confirmation to press.
    expect(late.content).toBe('');
    expect(embedOf(late).title).toBe('Refund confirmation expired');
    expect(embedOf(late).description).toBe(
      'It was not confirmed in time, so nothing was refunded. Run `/admin refund` again if needed.',
    );
    expect(fieldsOf(embedOf(late))).toMatchObject({ Member: `<@${id('bob')}>`, Amount: '€2.00 (partial refund)' });
    expect(buttonsOf(late).map((b) => b.disabled)).toEqual([true, true]);
    expect(refundCalls()).toEqual([]);
    expect(await auditMessages()).toEqual([]);
  });

  it('should edit the confirmation when it expires, nobody clicking: title and text say so, buttons disabled', async () => {
    timing.confirmationTtlMs = 300;
    const { handle } = await ask({ user: 'bob', amount: 2 }, 'admin', 'fr');
    // The confirmation itself, then the bot's own edit at expiry: no click, no other interaction.
    const edits = await sim.waitForRequests({ method: 'PATCH', route: EDIT_ORIGINAL }, 2);
    expect(edits.map((r) => r.status)).toEqual([200, 200]);
    const expired = await handle.view();
    expect(expired.content).toBe('');
    expect(embedOf(expired).title).toBe('Confirmation de remboursement expirée');
    expect(embedOf(expired).description).toBe(
      'Il n’a pas été confirmé à temps\u202f: rien n’a été remboursé. Relancez `/admin refund` si besoin.',
    );
    expect(buttonsOf(expired).map((b) => b.disabled)).toEqual([true, true]);
    expect((await sim.interactions()).map((i) => i.id)).toEqual([handle.id]);
    await expect(press(handle, 'confirm')).rejects.toThrow(/disabled/);
    expect(refundCalls()).toEqual([]);
  });

  it('should let only the admin who asked press the buttons', async () => {
    const { handle } = await ask({ user: 'bob', amount: 3 });
    const customId = `refund/confirm/${handle.id}`;

    const staffStranger = await redeliver(customId, 'alice');
    expect(staffStranger.followUps.map((m) => [m.content, m.ephemeral])).toEqual([
      ['Only the staff member who asked for this refund can confirm or cancel it.', true],
    ]);
    const member = await redeliver(customId, 'bob', 'en-US');
    expect(member.content).toBe('This command is for Moddy staff only.');
    expect(member.ephemeral).toBe(true);
    expect(refundCalls()).toEqual([]);

    // The admin's own click still works afterwards.
    await press(handle, 'confirm');
    expect(refundCalls()).toHaveLength(1);
  });

  it('should cancel without moving money', async () => {
    const { handle } = await ask({ user: 'bob', amount: 3 });
    const cancelled = await press(handle, 'cancel');
    expect(cancelled.content).toBe('');
    expect(embedOf(cancelled).title).toBe('Refund canceled');
    expect(embedOf(cancelled).description).toBe('You canceled it, so nothing was refunded.');
    expect(fieldsOf(embedOf(cancelled))).toMatchObject({ Member: `<@${id('bob')}>`, Amount: '€3.00 (partial refund)' });
    expect(cancelled.components).toEqual([]);
    expect(refundCalls()).toEqual([]);
    expect(await sim.dmsTo('bob')).toEqual([]);
  });

  it('should say the outcome is unknown on a timeout, and never retry', async () => {
    h.backend.delay(BACKEND_PATHS.refund, 2500, { times: 1 });
    const { handle } = await ask({ user: 'bob', amount: 4 });
    const done = await press(handle, 'confirm');
    expect(embedOf(done).title).toBe('Refund outcome unknown');
    expect(embedOf(done).description).toContain('**Check the payment dashboard before trying again.**');
    expect(embedOf(done).description).toContain('The request was not repeated.');
    expect(refundCalls()).toHaveLength(1);
    expect(await sim.dmsTo('bob')).toEqual([]);
    const audit = await auditMessages();
    expect(embedOf(audit[0]).title).toBe('Refund outcome unknown');
    expect(fieldsOf(embedOf(audit[0])).Result).toContain('Check the payment dashboard');

    // The buttons are gone; a re-delivered click is answered without a second call.
    expect(done.components).toEqual([]);
    const again = await redeliver(`refund/confirm/${handle.id}`, 'admin');
    expect(again.followUps[0].content).toContain('already handled');
    expect(refundCalls()).toHaveLength(1);
  });

  it('should word a business refusal of the backend, and an unknown one as it came', async () => {
    const first = await ask({ user: 'bob', amount: 5 });
    await press(first.handle, 'confirm');
    // 5.00 of 9.99 is left: asking 5.00 again passes the confirmation but the backend refuses it.
    const second = await ask({ user: 'bob', amount: 5 }, 'admin', 'fr');
    const refused = await press(second.handle, 'confirm', 'fr');
    expect(embedOf(refused)).toMatchObject({
      title: 'Remboursement non effectué',
      description: `C’est plus que ce qui reste à rembourser sur la dernière facture payée de <@${id('bob')}>. Rien n’a été remboursé.`,
    });
    expect(refundCalls()).toHaveLength(2);
    expect(await sim.dmsTo('bob')).toHaveLength(1);

    h.backend.failWith(BACKEND_PATHS.refund, 200, {
      times: 1,
      body: {
        success: false,
        message: 'Card network offline',
        refunded: false,
        refund_id: null,
        amount_refunded: null,
      },
    });
    const third = await ask({ user: 'bob', amount: 1 });
    const unknown = await press(third.handle, 'confirm');
    expect(embedOf(unknown).description).toBe(
      'The refund was refused. Nothing was refunded.\nBackend message: Card network offline',
    );
    const audit = await auditMessages();
    expect(audit.map((m) => embedOf(m).title)).toEqual(['Refund made', 'Refund refused', 'Refund refused']);
    expect(fieldsOf(embedOf(audit[2])).Result).toBe('⛔ Refused: Card network offline');
  });

  it('should show a payment provider error with its detail', async () => {
    h.backend.failWith(BACKEND_PATHS.refund, 500, { times: 1, detail: 'Stripe error: card_declined' });
    const { handle } = await ask({ user: 'bob' });
    const done = await press(handle, 'confirm');
    expect(embedOf(done)).toMatchObject({
      title: 'Refund not made',
      description:
        'The payment provider reported an error and the refund was not made.\nDetail: Stripe error: card_declined',
    });
    expect(refundCalls()).toHaveLength(1);
    expect(fieldsOf(embedOf((await auditMessages())[0]))).toMatchObject({
      Amount: 'The whole last paid invoice',
      Result: '⚠️ Payment provider error: Stripe error: card_declined',
    });
  });

  it('should refuse a non-staff user, with no backend call at all', async () => {
    const elsewhere = sim.world.guilds[1].id;
    const handle = await sim.slash({
      user: 'erin',
      guildId: elsewhere,
      channel: 'lobby',
      name: 'admin',
      subcommand: 'refund',
      options: { user: 'bob', amount: 5 },
    });
    const view = await handle.waitForFinal();
    expect(view.content).toBe('This command is for Moddy staff only.');
    expect(view.ephemeral).toBe(true);
    // The refused command's own command_used event may reach the backend at any moment: it is not a call about bob.
    expect(h.backend.requests().filter((r) => r.path !== '/internal/event/notify')).toEqual([]);
  });

  it('should refuse a bad amount or a member without a paid invoice before showing any button', async () => {
    const decimals = await ask({ user: 'bob', amount: 1.005 }, 'admin', 'fr');
    expect(decimals.view.content).toBe('Le montant peut avoir au plus 2 décimales, par exemple 12,50.');
    expect(decimals.view.components).toEqual([]);

    const tooMuch = await ask({ user: 'bob', amount: 50 });
    expect(tooMuch.view.content).toBe(
      'You asked to refund €50.00, more than the last paid invoice (€9.99). Nothing was refunded.',
    );
    const nothingPaid = await ask({ user: 'erin' });
    expect(nothingPaid.view.content).toBe(`<@${id('erin')}> has no paid invoice to refund.`);

    // Discord itself refuses what is outside the declared bounds.
    await expect(ask({ user: 'bob', amount: 0 })).rejects.toThrow(/min_value/);
    await expect(ask({ user: 'bob', amount: 1e9 })).rejects.toThrow(/max_value/);
    await expect(ask({ user: 'bob', reason: 'x'.repeat(501) })).rejects.toThrow(/longer than 500/);
    expect(refundCalls()).toEqual([]);
  });

  describe('POST /internal/refunds/notify', () => {
    const notice = (extra: Record<string, unknown> = {}) => ({
      discord_id: id('bob'),
      refund_id: 're_dashboard_1',
      amount: 1250,
      currency: 'eur',
      reason: 'Goodwill',
      ...extra,
    });

    it('should queue the DM when Discord fails, deliver it later once, and keep it in /notifications', async () => {
      await sim.setFaults({ http5xx: [{ route: 'POST /channels/*/messages', status: 503, count: 8 }] });
      const first = await h.call('/internal/refunds/notify', notice({ refund_id: 're_queued_1' }));
      expect(first.body).toMatchObject({ success: true, notification_sent: false, queued: true });
      const dms = await sim.waitForDms('bob', 1, 20000);
      expect(embedOf(dms[0]).description).toContain('€12.50');
      const inbox = await (await sim.slash({ user: 'bob', name: 'notifications', locale: 'en-US' })).waitForFinal();
      expect(embedOf(inbox).fields?.[0]).toMatchObject({ name: 'You have been refunded' });
      expect(embedOf(inbox).fields?.[0].value).toContain('✅ Sent by DM');
      // The backend sending it again hears that it was delivered since, and nothing is sent twice.
      const again = await h.call('/internal/refunds/notify', notice({ refund_id: 're_queued_1' }));
      expect(again.body).toMatchObject({ success: true, notification_sent: true });
      expect(await sim.dmsTo('bob')).toHaveLength(1);
    }, 30000);

    it('should DM the member and write the audit once per refund id', async () => {
      const first = await h.call('/internal/refunds/notify', notice());
      expect(first).toMatchObject({
        status: 200,
        body: { success: true, message: 'Notification sent', notification_sent: true },
      });
      const [dm] = await sim.dmsTo('bob');
      expect(embedOf(dm).description).toContain('€12.50');
      const [audit] = await auditMessages();
      expect(embedOf(audit).title).toBe('Refund issued outside Discord');
      expect(fieldsOf(embedOf(audit))).toMatchObject({ Staff: 'Payment dashboard', Reason: 'Goodwill' });

      const repeats = await Promise.all([
        h.call('/internal/refunds/notify', notice()),
        h.call('/internal/refunds/notify', notice(), { 'Idempotency-Key': 'dash-1' }),
      ]);
      for (const repeat of repeats) {
        expect(repeat).toMatchObject({
          status: 200,
          body: { success: true, message: 'Refund already notified', notification_sent: true },
        });
      }
      expect(await sim.dmsTo('bob')).toHaveLength(1);
      expect(await auditMessages()).toHaveLength(1);
    });

    it('should write the DM in the language the member last used with the bot', async () => {
      const profiles = h.app.get(MemberProfiles);
      await profiles.rememberLocale(id('bob'), 'fr');
      try {
        await h.call('/internal/refunds/notify', notice({ refund_id: 're_fr' }));
        const [dm] = await sim.dmsTo('bob');
        expect(embedOf(dm).title).toBe('Vous avez été remboursé');
        expect(plain(embedOf(dm).description)).toContain('12,50 €');
        expect(plain(embedOf(dm).description)).toContain('5 à 10 jours ouvrés');
      } finally {
        await profiles.rememberLocale(id('bob'), 'en-US');
      }
    });

    it('should report closed DMs as success without notification, and an unknown user as a failure', async () => {
      await sim.setFaults({ dmClosed: ['bob'] });
      expect((await h.call('/internal/refunds/notify', notice({ refund_id: 're_2' }))).body).toEqual({
        success: true,
        message: 'User found but DM failed',
        notification_sent: false,
      });
      expect(
        (await h.call('/internal/refunds/notify', notice({ refund_id: 're_3', discord_id: '400000000000000999' })))
          .body,
      ).toEqual({
        success: false,
        message: 'Discord user not found',
        notification_sent: false,
      });
      expect((await auditMessages()).map((m) => fieldsOf(embedOf(m)).DM)).toEqual([
        'Not sent: DMs closed',
        'Not sent: unknown Discord user',
      ]);
    });

    it('should validate the body as the contract says and require the secret', async () => {
      const bad = await h.call('/internal/refunds/notify', notice({ amount: 0, currency: 'EUR', refund_id: '' }));
      expect(bad.status).toBe(422);
      const locs = (bad.body as { detail: Array<{ loc: string[] }> }).detail.map((d) => d.loc.join('.'));
      expect(locs).toEqual(expect.arrayContaining(['body.amount', 'body.currency', 'body.refund_id']));
      const tooLong = await h.call('/internal/refunds/notify', notice({ reason: 'x'.repeat(501) }));
      expect(tooLong.status).toBe(422);
      const unauthenticated = await fetch(`${h.url}/internal/refunds/notify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(notice()),
      });
      expect(unauthenticated.status).toBe(401);
      expect(await sim.dmsTo('bob')).toEqual([]);
    });
  });
});
