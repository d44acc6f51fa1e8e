import { ButtonsMessages, chooseButton, type ButtonsMessage } from './click';
import { buttonsOf } from './render';

const msg = (messageId: string, viewer: string | null, title = `m${messageId}`): ButtonsMessage => ({
  messageId,
  channelId: '300000000000000002',
  viewer,
  title,
});

describe('which message a click targets', () => {
  it('the newest message with buttons that the acting user can see: ephemeral and DMs only their own', () => {
    const shown = new ButtonsMessages();
    shown.shown(msg('1', 'frank', 'Your Moddy invoices'));
    shown.shown(msg('2', null, 'Sweep held'));
    shown.shown(msg('3', 'admin', 'Confirm the refund'));
    shown.shown(msg('4', 'bob', 'You have been refunded'));
    expect(shown.seenBy('frank', true).map((m) => m.messageId)).toEqual(['2', '1']);
    expect(shown.seenBy('admin', true).map((m) => m.messageId)).toEqual(['3', '2']);
    // not in the server: only their own (a DM)
    expect(shown.seenBy('bob', false).map((m) => m.messageId)).toEqual(['4']);
    expect(shown.seenBy('alice', true).map((m) => m.messageId)).toEqual(['2']);
  });

  it('a message shown again (updated by a click) becomes the newest', () => {
    const shown = new ButtonsMessages();
    shown.shown(msg('1', 'frank'));
    shown.shown(msg('2', 'frank'));
    shown.shown(msg('1', 'frank', 'Page 2'));
    expect(shown.seenBy('frank', true)).toEqual([msg('1', 'frank', 'Page 2'), msg('2', 'frank')]);
  });

  it('says why there is nothing to click, and whose the newest message is', () => {
    const shown = new ButtonsMessages();
    expect(shown.nothingFor('alice', true)).toBe('no message with buttons has been shown yet');
    shown.shown(msg('1', null, 'Sweep held'));
    expect(shown.nothingFor('carol', false)).toBe('carol is not in the server, where "Sweep held" is');
    shown.shown(msg('2', 'admin', 'Confirm the refund'));
    expect(shown.nothingFor('bob', false)).toBe(
      'no message with buttons that bob can see; the newest one, "Confirm the refund", is admin\'s: add "as admin"',
    );
    // what alice sees has no buttons left (the caller found none on it)
    expect(shown.nothingFor('alice', true)).toBe('no message that alice can see has buttons left');
  });
});

describe('which button', () => {
  const buttons = buttonsOf([
    {
      type: 1,
      components: [
        { type: 2, style: 2, label: 'Previous', custom_id: 'p', disabled: true },
        { type: 2, style: 1, label: 'Next', custom_id: 'n' },
        { type: 2, style: 5, label: 'Manage subscription', url: 'https://moddy.example/billing' },
        { type: 2, style: 4, label: 'Confirm refund', custom_id: 'c' },
      ],
    },
  ]);
  const pick = (target: { label: string } | { index: number }) => chooseButton(buttons, target, '"Invoices"');

  it('by label in any case, by a part of one label, or by number', () => {
    expect(pick({ label: 'next' })).toEqual({ ok: true, customId: 'n' });
    expect(pick({ label: 'confirm' })).toEqual({ ok: true, customId: 'c' });
    expect(pick({ index: 2 })).toEqual({ ok: true, customId: 'n' });
  });

  it('lists the buttons of the message when the label or number is not on it', () => {
    const list = '1 Previous (disabled), 2 Next, 3 Manage subscription (a link), 4 Confirm refund';
    expect(pick({ label: 'Retry' })).toEqual({
      ok: false,
      error: `no button "Retry" on "Invoices"; its buttons: ${list}`,
    });
    // a part of two labels names neither
    expect(pick({ label: 'e' })).toEqual({ ok: false, error: `no button "e" on "Invoices"; its buttons: ${list}` });
    expect(pick({ index: 9 })).toEqual({ ok: false, error: `no button 9 on "Invoices"; its buttons: ${list}` });
  });

  it('refuses links and disabled buttons, saying why', () => {
    expect(pick({ label: 'Manage subscription' })).toEqual({
      ok: false,
      error: '"Manage subscription" is a link: it opens https://moddy.example/billing',
    });
    expect(pick({ index: 1 })).toMatchObject({ ok: false, error: expect.stringMatching(/^"Previous" is disabled/) });
  });
});
