// Interaction messages edited after the sandbox showed them: a deferred reply the bot finishes later, a
// refund confirmation that expires, a sweep's summary. A person watching Discord sees such a message change
// in place; the sandbox shows it again, marked edited. No I/O here.
import type { SimMessage } from '../discord-sim/types';

/** Which message of an interaction it is, as its heading names it. */
export type InteractionPart = 'reply' | 'follow-up';

interface Watched {
  channelId: string;
  /** The user the interaction was for (the heading names them). */
  user: string;
  /** Only `user` sees it (ephemeral, or in their DM with the bot). */
  private: boolean;
  part: InteractionPart;
  /** `edited_timestamp` as last shown. */
  edited: string | null;
}

/** A watched message that changed since it was last shown: edited (`message` as it is now) or deleted. */
export type LaterChange = { messageId: string; user: string; private: boolean; part: InteractionPart } & (
  { deleted: false; message: SimMessage } | { deleted: true; message?: undefined }
);

/** How many interaction messages are watched at most: the newest ones (older ones are scrolled away). */
export const WATCHED_MAX = 50;

/** Interaction messages shown so far, in the order they were last shown, with what they looked like. */
export class EditWatch {
  private readonly watched = new Map<string, Watched>();

  /** The message as the person saw it just now (shown again, it becomes the newest). */
  shown(m: SimMessage, who: { user: string; private: boolean; part: InteractionPart }): void {
    this.watched.delete(m.id);
    this.watched.set(m.id, { channelId: m.channel_id, edited: m.edited_timestamp, ...who });
    for (const oldest of this.watched.keys()) {
      if (this.watched.size <= WATCHED_MAX) break;
      this.watched.delete(oldest);
    }
  }

  /** The channels holding watched messages (to read them from the simulator). */
  channels(): string[] {
    return [...new Set([...this.watched.values()].map((w) => w.channelId))];
  }

  /**
   * The watched messages of `channelId` that were edited or deleted since they were shown, given the channel's
   * messages as the simulator holds them now (deleted ones are not among them), oldest shown first. Each is then
   * taken as seen; a deleted one is no longer watched.
   */
  changes(channelId: string, current: readonly SimMessage[]): LaterChange[] {
    const byId = new Map(current.map((m) => [m.id, m]));
    const out: LaterChange[] = [];
    for (const [id, w] of this.watched) {
      if (w.channelId !== channelId) continue;
      const m = byId.get(id);
      const who = { user: w.user, private: w.private, part: w.part };
      if (m === undefined) {
        this.watched.delete(id);
        out.push({ messageId: id, ...who, deleted: true });
      } else if (m.edited_timestamp !== w.edited) {
        w.edited = m.edited_timestamp;
        out.push({ message: m, messageId: id, ...who, deleted: false });
      }
    }
    return out;
  }
}

/** The heading of a message shown again: `◆ reply to admin (edited)`, `↳ follow-up to bob (deleted)`. */
export function changeHeading(change: Pick<LaterChange, 'part' | 'user' | 'deleted'>): string {
  const what = change.part === 'reply' ? `◆ reply to ${change.user}` : `↳ follow-up to ${change.user}`;
  return `${what} (${change.deleted ? 'deleted' : 'edited'})`;
}
