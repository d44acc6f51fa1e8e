import fc from 'fast-check';
import type { SimMessage } from '../discord-sim/types';
import { changeHeading, EditWatch, WATCHED_MAX } from './edits';

const CHANNEL = '300000000000000002';
const DM = '300000000000000099';

function message(id: string, edited: string | null = null, channel = CHANNEL): SimMessage {
  return {
    id,
    channel_id: channel,
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
    flags: 64,
    timestamp: '2026-11-26T12:00:00.000Z',
    edited_timestamp: edited,
    type: 0,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    pinned: false,
    source: 'interaction',
    ephemeral: true,
    deleted: false,
  };
}

const admin = { user: 'admin', private: true, part: 'reply' as const };

describe('interaction messages edited after they were shown', () => {
  it('reports a message edited since it was shown, once', () => {
    const watch = new EditWatch();
    watch.shown(message('1', '2026-11-26T12:00:01.000Z'), admin);
    expect(watch.changes(CHANNEL, [message('1', '2026-11-26T12:00:01.000Z')])).toEqual([]);
    const later = message('1', '2026-11-26T12:01:00.000Z');
    expect(watch.changes(CHANNEL, [later])).toEqual([{ messageId: '1', ...admin, deleted: false, message: later }]);
    // taken as seen
    expect(watch.changes(CHANNEL, [later])).toEqual([]);
  });

  it('reports a deferred reply (never edited when shown) once the bot edits it', () => {
    const watch = new EditWatch();
    watch.shown(message('1', null), admin);
    expect(watch.changes(CHANNEL, [message('1', null)])).toEqual([]);
    expect(watch.changes(CHANNEL, [message('1', '2026-11-26T12:00:05.000Z')])).toHaveLength(1);
  });

  it('reports a deleted message once, then forgets it', () => {
    const watch = new EditWatch();
    watch.shown(message('1'), { user: 'bob', private: true, part: 'follow-up' });
    expect(watch.changes(CHANNEL, [])).toEqual([
      { messageId: '1', user: 'bob', private: true, part: 'follow-up', deleted: true },
    ]);
    expect(watch.changes(CHANNEL, [])).toEqual([]);
    expect(watch.channels()).toEqual([]);
  });

  it('reads each channel for its own messages only', () => {
    const watch = new EditWatch();
    watch.shown(message('1'), admin);
    watch.shown(message('2', null, DM), { user: 'bob', private: true, part: 'reply' });
    expect(watch.channels()).toEqual([CHANNEL, DM]);
    // message 1 is not in the DM: not deleted for that
    expect(watch.changes(DM, [message('2', null, DM)])).toEqual([]);
    expect(watch.changes(CHANNEL, [message('1')])).toEqual([]);
  });

  it('a message shown again (a click updated it) is not reported for that update', () => {
    const watch = new EditWatch();
    watch.shown(message('1'), admin);
    watch.shown(message('1', '2026-11-26T12:00:09.000Z'), admin);
    expect(watch.changes(CHANNEL, [message('1', '2026-11-26T12:00:09.000Z')])).toEqual([]);
  });

  it('reports exactly the messages whose edit time moved, whatever the sequence of shows and edits', () => {
    const stamp = fc.option(fc.constantFrom('a', 'b', 'c'), { nil: null });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 8 }), stamp, stamp), { maxLength: 30 }), (steps) => {
        const watch = new EditWatch();
        const seen = new Map<string, string | null>();
        for (const [n, shownAs, nowAs] of steps) {
          const id = String(n);
          watch.shown(message(id, shownAs), admin);
          seen.set(id, shownAs);
          const current = [...seen.keys()].map((k) => message(k, k === id ? nowAs : seen.get(k)!));
          const changed = watch.changes(CHANNEL, current).map((c) => c.messageId);
          expect(changed).toEqual(nowAs !== shownAs ? [id] : []);
          seen.set(id, nowAs);
        }
      }),
    );
  });

  it(`watches the ${WATCHED_MAX} newest messages only`, () => {
    const watch = new EditWatch();
    const all = Array.from({ length: WATCHED_MAX + 5 }, (_, i) => message(String(i + 1)));
    for (const m of all) watch.shown(m, admin);
    const edited = all.map((m) => ({ ...m, edited_timestamp: 'later' }));
    expect(watch.changes(CHANNEL, edited).map((c) => c.messageId)).toEqual(all.slice(5).map((m) => m.id));
  });

  it('names the message as it was first shown, edited or deleted', () => {
    expect(changeHeading({ part: 'reply', user: 'admin', deleted: false })).toBe('◆ reply to admin (edited)');
    expect(changeHeading({ part: 'follow-up', user: 'bob', deleted: true })).toBe('↳ follow-up to bob (deleted)');
  });
});
