import type { InteractionView, SimMessage } from '../discord-sim/types';
import {
  buttonsOf,
  contextFromWorld,
  diffRoles,
  formatTimestamp,
  relativeTime,
  renderDm,
  renderHttp,
  renderInteraction,
  renderMarkup,
  renderMessage,
} from './render';

const NOW = Date.parse('2026-11-26T12:00:00Z');
const ctx = contextFromWorld(
  {
    users: { alice: '100000000000000001', bob: '100000000000000002', Moddy: '100000000000000009' },
    roles: { premium: '200000000000000001' },
    channels: { announcements: '300000000000000001' },
  },
  NOW,
);

// 2027-03-01T09:00:00Z
const MARCH_1 = 1803891600;

function message(over: Partial<SimMessage> = {}): SimMessage {
  return {
    id: '900000000000000001',
    channel_id: '300000000000000002',
    author: {
      id: '100000000000000009',
      username: 'Moddy',
      global_name: null,
      discriminator: '0',
      avatar: null,
      public_flags: 0,
    },
    content: '',
    embeds: [],
    components: [],
    attachments: [],
    flags: 0,
    timestamp: '2026-11-26T12:00:00.000Z',
    edited_timestamp: null,
    type: 0,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    pinned: false,
    source: 'channel',
    ephemeral: false,
    deleted: false,
    ...over,
  };
}

const row = (...components: unknown[]) => ({ type: 1, components });
const button = (label: string, customId: string, extra: object = {}) => ({
  type: 2,
  style: 1,
  label,
  custom_id: customId,
  ...extra,
});
const link = (label: string, url: string) => ({ type: 2, style: 5, label, url });

describe('Discord markup', () => {
  it('timestamps in every style, in UTC', () => {
    expect(formatTimestamp(MARCH_1, 'D', ctx)).toBe('March 1, 2027');
    expect(formatTimestamp(MARCH_1, 'd', ctx)).toBe('3/1/27');
    expect(formatTimestamp(MARCH_1, 't', ctx)).toBe('9:00 AM UTC');
    expect(formatTimestamp(MARCH_1, 'T', ctx)).toBe('9:00:00 AM UTC');
    expect(formatTimestamp(MARCH_1, undefined, ctx)).toBe('March 1, 2027 at 9:00 AM UTC');
    expect(formatTimestamp(MARCH_1, 'F', ctx)).toBe('Monday, March 1, 2027 at 9:00 AM UTC');
    expect(formatTimestamp(MARCH_1, 'R', ctx)).toBe('in 3 months');
    expect(formatTimestamp(MARCH_1, 'D', { ...ctx, locale: 'fr' })).toBe('1 mars 2027');
  });

  it("timestamps in the viewer's Discord language, as their client shows them", () => {
    const fr = contextFromWorld({ users: {}, roles: {}, channels: {} }, NOW, 'fr');
    expect(renderMarkup(`Fin : <t:${MARCH_1}:D> (<t:${MARCH_1}:R>)`, fr)).toBe('Fin : 1 mars 2027 (dans 3 mois)');
    expect(formatTimestamp(MARCH_1, 'd', fr)).toBe('01/03/2027');
    expect(formatTimestamp(MARCH_1, 't', fr)).toBe('09:00 UTC');
    expect(formatTimestamp(MARCH_1, 'f', fr)).toBe('1 mars 2027 à 09:00 UTC');
    expect(formatTimestamp(MARCH_1, 'F', fr)).toBe('lundi 1 mars 2027 à 09:00 UTC');
    expect(formatTimestamp(MARCH_1, 'D', { ...ctx, locale: 'en-GB' })).toBe('1 March 2027');
    expect(formatTimestamp(MARCH_1, 'R', { ...ctx, locale: 'de' })).toBe('in 3 Monaten');
    // an embed's own timestamp too
    const dm = message({ embeds: [{ title: 'Paiement reçu', timestamp: '2027-03-01T09:00:00+00:00' }] });
    expect(renderDm('bob', dm, fr)).toEqual(['✉ DM to bob', '  │ Paiement reçu', '  │ — 1 mars 2027 à 09:00 UTC']);
  });

  it('relative times pick the unit Discord would', () => {
    expect(relativeTime(NOW + 30_000, NOW)).toBe('in 30 seconds');
    expect(relativeTime(NOW - 5 * 60_000, NOW)).toBe('5 minutes ago');
    expect(relativeTime(NOW + 3 * 3600_000, NOW)).toBe('in 3 hours');
    expect(relativeTime(NOW - 86400_000, NOW)).toBe('yesterday');
    expect(relativeTime(NOW + 10 * 86400_000, NOW)).toBe('in 10 days');
    expect(relativeTime(NOW - 400 * 86400_000, NOW)).toBe('last year');
  });

  it('mentions, channels, commands, emoji, links, bold, and odd spaces', () => {
    expect(
      renderMarkup(
        'Hi <@100000000000000001> and <@!100000000000000002>, see <#300000000000000001> for <@&200000000000000001>',
        ctx,
      ),
    ).toBe('Hi @alice and @bob, see #announcements for @premium');
    expect(renderMarkup('<@100000000000000077>', ctx)).toBe('@100000000000000077');
    expect(renderMarkup('try </subscription:123456789012345678> <:moddy:123456789012345678>', ctx)).toBe(
      'try /subscription :moddy:',
    );
    expect(renderMarkup('**€9.99** · [PDF](https://x.example/a.pdf)', ctx)).toBe(
      '€9.99 · PDF <https://x.example/a.pdf>',
    );
    expect(renderMarkup('9,99\u00a0€ le\u202f1', ctx)).toBe('9,99 € le 1');
    expect(renderMarkup(`Renews <t:${MARCH_1}:D> (<t:${MARCH_1}:R>)`, ctx)).toBe('Renews March 1, 2027 (in 3 months)');
  });
});

describe('messages', () => {
  it('an ephemeral embed reply with fields, footer and buttons of every kind', () => {
    const m = message({
      flags: 64,
      ephemeral: true,
      content: 'Hello <@100000000000000001>',
      embeds: [
        {
          title: 'Your Moddy subscription',
          description: 'Line one\nLine two',
          fields: [
            { name: 'Status', value: '🟢 Active', inline: true },
            { name: 'Renews', value: `<t:${MARCH_1}:D>` },
            { name: 'History', value: 'a\nb' },
          ],
          footer: { text: 'Moddy billing' },
        },
      ],
      components: [
        row(button('Confirm refund', 'refund:confirm:1'), button('Cancel', 'refund:cancel:1')),
        row(button('Previous', 'inv:prev', { disabled: true }), link('Manage subscription', 'https://moddy.example/b')),
      ],
    });
    expect(renderMessage('◆ reply to alice', m, ctx)).toEqual([
      '◆ reply to alice · only you can see this',
      '  Hello @alice',
      '  │ Your Moddy subscription',
      '  │ Line one',
      '  │ Line two',
      '  │ Status',
      '  │   🟢 Active',
      '  │ Renews',
      '  │   March 1, 2027',
      '  │ History',
      '  │   a',
      '  │   b',
      '  │ — Moddy billing',
      '  [ Confirm refund ] [ Cancel ]',
      '  [ Previous (disabled) ] [ Manage subscription ↗ https://moddy.example/b ]',
    ]);
  });

  it('embed fields as Discord shows them: the name as a heading, the value under it, no colon added', () => {
    const m = message({
      embeds: [
        {
          title: 'Votre abonnement Moddy',
          fields: [
            { name: 'Statut', value: '🟢 Actif', inline: true },
            { name: 'Welcome to Moddy Max!', value: 'Thank you for subscribing.\nSent <t:1803891600:D>' },
            { name: '\u200b', value: 'a value without a heading' },
            { name: 'A heading alone', value: '\u200b' },
          ],
        },
      ],
    });
    expect(renderMessage('x', m, ctx)).toEqual([
      'x',
      '  │ Votre abonnement Moddy',
      '  │ Statut',
      '  │   🟢 Actif',
      '  │ Welcome to Moddy Max!',
      '  │   Thank you for subscribing.',
      '  │   Sent March 1, 2027',
      '  │ a value without a heading',
      '  │ A heading alone',
    ]);
  });

  it('a deferred reply still thinking, an empty message, select menus', () => {
    expect(renderMessage('◆ reply to bob', message({ flags: 64 | 128, ephemeral: true }), ctx)).toEqual([
      '◆ reply to bob · only you can see this',
      '  Moddy is thinking...',
    ]);
    expect(renderMessage('x', message(), ctx)).toEqual(['x', '  (empty message)']);
    expect(renderMessage('x', message({ components: [row({ type: 3, placeholder: 'Pick one' })] }), ctx)).toEqual([
      'x',
      '  [ Pick one ▾ ]',
    ]);
  });

  it('a DM, new or edited, with an embed timestamp', () => {
    const dm = message({ embeds: [{ title: 'Payment received', timestamp: '2027-03-01T09:00:00+00:00' }] });
    expect(renderDm('alice', dm, ctx)).toEqual([
      '✉ DM to alice',
      '  │ Payment received',
      '  │ — March 1, 2027 at 9:00 AM UTC',
    ]);
    expect(renderDm('alice', dm, ctx, true)[0]).toBe('✉ DM to alice (edited)');
  });

  it('numbers buttons across rows, disabled and link ones included', () => {
    const components = [
      row(button('Confirm', 'c'), button('Cancel', 'x')),
      row(
        button('Next', 'n', { disabled: true }),
        link('Billing', 'https://b.example'),
        button('', 'e', { emoji: { name: '🔄' } }),
      ),
    ];
    expect(buttonsOf(components).map((b) => [b.index, b.label])).toEqual([
      [1, 'Confirm'],
      [2, 'Cancel'],
      [3, 'Next'],
      [4, 'Billing'],
      [5, '🔄'],
    ]);
    expect(buttonsOf(components).map((b) => [b.disabled, b.url])).toEqual([
      [false, undefined],
      [false, undefined],
      [true, undefined],
      [false, 'https://b.example'],
      [false, undefined],
    ]);
  });
});

describe('interactions', () => {
  function view(over: Partial<InteractionView>): InteractionView {
    return {
      id: '1',
      token: 't',
      kind: 'slash',
      user: 'admin',
      guildId: '1',
      channelId: '1',
      createdAt: NOW,
      status: 'responded',
      callbacks: [],
      original: null,
      deferred: false,
      ephemeral: false,
      content: null,
      embeds: [],
      components: [],
      flags: 0,
      edits: [],
      followUps: [],
      modal: null,
      final: true,
      ...over,
    };
  }

  it('the application did not respond', () => {
    const r = renderInteraction(
      view({ status: 'failed', failure: 'The application did not respond', final: false }),
      null,
      ctx,
    );
    expect(r.lines).toEqual(['✗ (the application did not respond)']);
    expect(r.withButtons).toEqual([]);
  });

  it('a reply with buttons and an ephemeral follow-up; the buttons are remembered', () => {
    const original = message({
      id: '900000000000000010',
      flags: 64,
      ephemeral: true,
      embeds: [{ title: 'Confirm the refund' }],
      components: [row(button('Confirm refund', 'c'), button('Cancel', 'x'))],
    });
    const note = message({ id: '900000000000000011', flags: 64, ephemeral: true, content: 'Noted.' });
    const r = renderInteraction(view({ original, followUps: [note] }), null, ctx);
    expect(r.lines).toEqual([
      '◆ reply to admin · only you can see this',
      '  │ Confirm the refund',
      '  [ Confirm refund ] [ Cancel ]',
      '↳ follow-up to admin · only you can see this',
      '  Noted.',
    ]);
    expect(r.withButtons.map((m) => m.id)).toEqual(['900000000000000010']);
  });

  it('a click that updated the clicked message; a click not yet answered', () => {
    const original = message({ id: '900000000000000010', embeds: [{ title: 'Refund made' }] });
    const updated = renderInteraction(
      view({ kind: 'click', original, edits: [{ at: NOW, target: '@original', body: {} }] }),
      '900000000000000010',
      ctx,
    );
    expect(updated.lines).toEqual(['◆ message updated for admin', '  │ Refund made']);
    // answered with UPDATE_MESSAGE (7) rather than deferred and edited
    const cancelled = renderInteraction(
      view({
        kind: 'click',
        original,
        callbacks: [{ type: 7, data: {}, at: NOW, withResponse: false, authPresent: false }],
      }),
      '900000000000000010',
      ctx,
    );
    expect(cancelled.lines[0]).toBe('◆ message updated for admin');
    expect(updated.withButtons).toEqual([]);
    const linkOnly = message({ components: [row(link('Manage subscription', 'https://moddy.example/b'))] });
    // a link button counts: `click` then explains where it leads
    expect(renderInteraction(view({ original: linkOnly }), null, ctx).withButtons).toEqual([linkOnly]);
    const pending = renderInteraction(
      view({ kind: 'click', status: 'pending', final: false }),
      '900000000000000010',
      ctx,
    );
    expect(pending.lines).toEqual(['… (no answer from Moddy yet)']);
  });
});

describe('role changes', () => {
  it('added and removed roles, joins and leaves; unchanged users say nothing', () => {
    expect(
      diffRoles(
        { alice: [], bob: ['premium'], carol: null, dave: ['premium'], erin: ['admin'] },
        { alice: ['premium'], bob: [], carol: ['premium'], dave: null, erin: ['admin'] },
      ),
    ).toEqual([
      'alice: +premium',
      'bob: -premium',
      'carol: joined the server',
      'carol: +premium',
      'dave: left the server',
    ]);
  });
});

describe('HTTP answers', () => {
  it('one line, compact JSON or raw text', () => {
    expect(renderHttp(200, { success: true, notification_sent: true })).toBe(
      '← 200 {"success":true,"notification_sent":true}',
    );
    expect(renderHttp(502, 'Bad Gateway')).toBe('← 502 Bad Gateway');
  });
});
