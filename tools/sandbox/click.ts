// What a `click` line means: the newest message with buttons that the acting user can see (an ephemeral
// answer or a DM only by its user, a server message by the server's members), then one of its buttons by label
// or number. No I/O here.
import type { ButtonRef } from './render';

export interface ButtonsMessage {
  messageId: string;
  channelId: string;
  /** The only user who sees it (ephemeral answers, DMs); null: every member of the server. */
  viewer: string | null;
  /** How a person recognises it: its first embed title or first line of text. */
  title: string;
}

/** The messages with buttons shown so far, in the order they were last shown. */
export class ButtonsMessages {
  private list: ButtonsMessage[] = [];

  /** A message shown with buttons (shown again, it becomes the newest). */
  shown(m: ButtonsMessage): void {
    this.list = [...this.list.filter((x) => x.messageId !== m.messageId), m];
  }

  /** Newest first, those `user` can see; `inServer`: whether they are a member of the server. */
  seenBy(user: string, inServer: boolean): ButtonsMessage[] {
    return this.list.filter((m) => (m.viewer === null ? inServer : m.viewer === user)).reverse();
  }

  /** Why `user` has nothing to click (none of `seenBy` has buttons left), and what to type instead. */
  nothingFor(user: string, inServer: boolean): string {
    if (this.seenBy(user, inServer).length > 0) return `no message that ${user} can see has buttons left`;
    const newest = this.list.at(-1);
    if (newest === undefined) return 'no message with buttons has been shown yet';
    if (newest.viewer === null) return `${user} is not in the server, where "${newest.title}" is`;
    return `no message with buttons that ${user} can see; the newest one, "${newest.title}", is ${newest.viewer}'s: add "as ${newest.viewer}"`;
  }
}

/** The `custom_id` to press, or why not. */
export type ButtonChoice = { ok: true; customId: string } | { ok: false; error: string };

function describeButton(b: ButtonRef): string {
  const state = b.url !== undefined ? ' (a link)' : b.disabled ? ' (disabled)' : '';
  return `${b.index} ${b.label}${state}`;
}

/**
 * The button `target` names among `buttons` (of the message called `where`): by number, by label (any case),
 * or by a part of one label. Otherwise, or when it cannot be pressed, why, with the message's buttons.
 */
export function chooseButton(
  buttons: readonly ButtonRef[],
  target: { label: string } | { index: number },
  where: string,
): ButtonChoice {
  const list = buttons.map(describeButton).join(', ');
  let button: ButtonRef | undefined;
  if ('index' in target) {
    button = buttons[target.index - 1];
    if (!button) return { ok: false, error: `no button ${target.index} on ${where}; its buttons: ${list}` };
  } else {
    const wanted = target.label.toLowerCase();
    button = buttons.find((b) => b.label.toLowerCase() === wanted);
    if (!button) {
      const partial = buttons.filter((b) => b.label.toLowerCase().includes(wanted));
      if (partial.length !== 1)
        return { ok: false, error: `no button "${target.label}" on ${where}; its buttons: ${list}` };
      button = partial[0];
    }
  }
  if (button.url !== undefined) return { ok: false, error: `"${button.label}" is a link: it opens ${button.url}` };
  if (button.disabled) return { ok: false, error: `"${button.label}" is disabled; its buttons: ${list}` };
  if (button.customId === undefined) return { ok: false, error: `"${button.label}" cannot be pressed` };
  return { ok: true, customId: button.customId };
}
