// Pure text rendering of what a Discord client would show: messages with embeds and components, Discord's
// markup (timestamps, mentions), role changes. No I/O here.
import type { InteractionView, SimMessage } from '../discord-sim/types';

/** Names of the world's ids, to render `<@id>`, `<@&id>` and `<#id>`, and the clock for relative timestamps. */
export interface RenderContext {
  users: Readonly<Record<string, string>>;
  roles: Readonly<Record<string, string>>;
  channels: Readonly<Record<string, string>>;
  /** Epoch ms, for `<t:..:R>`. */
  now: number;
  /** The viewer's locale for dates (default en-US). Times are shown in UTC. */
  locale?: string;
}

/**
 * Builds the id -> name maps from name -> id maps (as the simulator's `World` has them), for a viewer whose
 * Discord client is in `locale`.
 */
export function contextFromWorld(
  world: { users: Record<string, string>; roles: Record<string, string>; channels: Record<string, string> },
  now: number,
  locale?: string,
): RenderContext {
  const invert = (m: Record<string, string>): Record<string, string> =>
    Object.fromEntries(Object.entries(m).map(([name, id]) => [id, name]));
  return { users: invert(world.users), roles: invert(world.roles), channels: invert(world.channels), now, locale };
}

const EPHEMERAL = 64;
const LOADING = 128;

// ------------------------------------------------------------------ Discord markup

function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat(locale, { timeZone: 'UTC', ...options });
  } catch {
    return new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', ...options });
  }
}

const DAY = 86400;
const RELATIVE_STEPS: ReadonlyArray<[Intl.RelativeTimeFormatUnit, number, number]> = [
  // unit, seconds per unit, used below this many seconds
  ['second', 1, 60],
  ['minute', 60, 3600],
  ['hour', 3600, DAY],
  ['day', DAY, 30 * DAY],
  ['month', 30.4375 * DAY, 365 * DAY],
  ['year', 365.25 * DAY, Infinity],
];

/** `in 3 months`, `2 days ago`, as Discord's `R` style. */
export function relativeTime(epochMs: number, now: number, locale = 'en-US'): string {
  const seconds = (epochMs - now) / 1000;
  let fmt: Intl.RelativeTimeFormat;
  try {
    fmt = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  } catch {
    fmt = new Intl.RelativeTimeFormat('en-US', { numeric: 'auto' });
  }
  const [unit, size] = RELATIVE_STEPS.find(([, , below]) => Math.abs(seconds) < below) ?? ['year', 365.25 * DAY];
  return fmt.format(Math.round(seconds / size), unit);
}

/** A Discord timestamp `<t:SECONDS:STYLE>` as a client shows it (dates in UTC). */
export function formatTimestamp(
  seconds: number,
  style: string | undefined,
  ctx: Pick<RenderContext, 'now' | 'locale'>,
): string {
  const ms = seconds * 1000;
  const locale = ctx.locale ?? 'en-US';
  const d = new Date(ms);
  switch (style) {
    case 't':
      return `${dateFormat(locale, { timeStyle: 'short' }).format(d)} UTC`;
    case 'T':
      return `${dateFormat(locale, { timeStyle: 'medium' }).format(d)} UTC`;
    case 'd':
      return dateFormat(locale, { dateStyle: 'short' }).format(d);
    case 'D':
      return dateFormat(locale, { dateStyle: 'long' }).format(d);
    case 'F':
      return `${dateFormat(locale, { dateStyle: 'full', timeStyle: 'short' }).format(d)} UTC`;
    case 'R':
      return relativeTime(ms, ctx.now, locale);
    default:
      return `${dateFormat(locale, { dateStyle: 'long', timeStyle: 'short' }).format(d)} UTC`;
  }
}

/**
 * Discord markup to plain text: timestamps to dates, `<@id>` to `@name`, `<@&id>` to `@role`, `<#id>` to
 * `#channel`, `</cmd:id>` to `/cmd`, custom emoji to `:name:`, `[text](url)` to `text <url>`, `**bold**` to
 * bold; narrow and non-breaking spaces to spaces.
 */
export function renderMarkup(text: string, ctx: RenderContext): string {
  return text
    .replace(/<t:(-?\d{1,13})(?::([tTdDfFR]))?>/g, (_m, s: string, style?: string) =>
      formatTimestamp(Number(s), style, ctx),
    )
    .replace(/<@!?(\d{17,20})>/g, (_m, id: string) => `@${ctx.users[id] ?? id}`)
    .replace(/<@&(\d{17,20})>/g, (_m, id: string) => `@${ctx.roles[id] ?? id}`)
    .replace(/<#(\d{17,20})>/g, (_m, id: string) => `#${ctx.channels[id] ?? id}`)
    .replace(/<\/([\w -]+):\d{17,20}>/g, '/$1')
    .replace(/<a?(:\w+:)\d{17,20}>/g, '$1')
    .replace(/\[([^\]\n]+)\]\(<?(https?:\/\/[^)\s>]+)>?\)/g, '$1 <$2>')
    .replace(/\*\*([^*\n]+)\*\*/g, '$1')
    .replace(/[\u00a0\u202f]/g, ' ');
}

// ------------------------------------------------------------------ messages

interface Embed {
  title?: string;
  url?: string;
  description?: string;
  author?: { name?: string };
  fields?: Array<{ name?: string; value?: string }>;
  footer?: { text?: string };
  timestamp?: string;
  image?: { url?: string };
  thumbnail?: { url?: string };
}

interface Component {
  type?: number;
  style?: number;
  label?: string;
  url?: string;
  custom_id?: string;
  disabled?: boolean;
  placeholder?: string;
  emoji?: { name?: string | null };
  components?: Component[];
}

/** One button the person can refer to with `click <n>` (numbered from 1 in message order). */
export interface ButtonRef {
  index: number;
  label: string;
  customId?: string;
  url?: string;
  disabled: boolean;
}

const INDENT = '  ';
const BAR = '│ ';

function indentLines(text: string, prefix: string): string[] {
  return text.split('\n').map((l) => `${prefix}${l}`.trimEnd());
}

/** The buttons of a message, in order (link buttons included, with their url). */
export function buttonsOf(components: readonly unknown[]): ButtonRef[] {
  const out: ButtonRef[] = [];
  const walk = (list: readonly unknown[]): void => {
    for (const c of list as Component[]) {
      if (c.type === 2) {
        out.push({
          index: out.length + 1,
          label: `${c.emoji?.name ? `${c.emoji.name} ` : ''}${c.label ?? ''}`.trim() || '(no label)',
          customId: c.custom_id,
          url: c.url,
          disabled: c.disabled === true,
        });
      } else if (c.components) walk(c.components);
    }
  };
  walk(components);
  return out;
}

function renderButton(b: ButtonRef): string {
  if (b.url !== undefined) return `[ ${b.label} ↗ ${b.url} ]`;
  return b.disabled ? `[ ${b.label} (disabled) ]` : `[ ${b.label} ]`;
}

function renderComponents(components: readonly unknown[]): string[] {
  const lines: string[] = [];
  let index = 0;
  for (const row of components as Component[]) {
    const items = row.type === 1 || row.components ? (row.components ?? []) : [row];
    const parts: string[] = [];
    for (const c of items) {
      if (c.type === 2) {
        index += 1;
        const [ref] = buttonsOf([c]);
        if (ref) parts.push(renderButton({ ...ref, index }));
      } else if (c.type !== undefined && [3, 5, 6, 7, 8].includes(c.type)) {
        parts.push(`[ ${c.placeholder ?? 'select'} ▾ ]`);
      } else {
        parts.push(`[ component type ${String(c.type)} ]`);
      }
    }
    if (parts.length) lines.push(parts.join(' '));
  }
  return lines;
}

function renderEmbed(e: Embed, ctx: RenderContext): string[] {
  const lines: string[] = [];
  const add = (text: string | undefined, prefix = ''): void => {
    if (text !== undefined && text !== '') lines.push(...indentLines(renderMarkup(text, ctx), prefix));
  };
  if (e.author?.name) add(e.author.name);
  if (e.title) add(e.url ? `${e.title} (${e.url})` : e.title);
  add(e.description);
  // As Discord shows a field: its name as a heading, its value under it. A blank name (often a zero-width
  // space) shows no heading.
  for (const f of e.fields ?? []) {
    const name = renderMarkup(f.name ?? '', ctx);
    const value = renderMarkup(f.value ?? '', ctx);
    const heading = !isBlank(name);
    if (heading) lines.push(...indentLines(name, ''));
    if (!isBlank(value)) lines.push(...indentLines(value, heading ? INDENT : ''));
  }
  if (e.image?.url) add(`(image ${e.image.url})`);
  if (e.thumbnail?.url) add(`(thumbnail ${e.thumbnail.url})`);
  const footer = [
    e.footer?.text ? renderMarkup(e.footer.text, ctx) : '',
    e.timestamp ? formatIso(e.timestamp, ctx) : '',
  ]
    .filter((s) => s !== '')
    .join(' · ');
  if (footer) lines.push(`— ${footer}`);
  return lines;
}

const isBlank = (text: string): boolean => text.replace(/[\u200b\s]/g, '') === '';

function formatIso(iso: string, ctx: RenderContext): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : formatTimestamp(Math.floor(ms / 1000), 'f', ctx);
}

export interface MessageLike {
  content?: string | null;
  embeds?: readonly unknown[];
  components?: readonly unknown[];
  flags?: number;
}

/**
 * The body of a message: content, then each embed (bar-prefixed), then buttons, all indented. A deferred
 * reply still "thinking" renders as `Moddy is thinking...`.
 */
export function renderMessageBody(m: MessageLike, ctx: RenderContext, botName = 'Moddy'): string[] {
  const lines: string[] = [];
  if (((m.flags ?? 0) & LOADING) !== 0) return [`${INDENT}${botName} is thinking...`];
  if (m.content) lines.push(...indentLines(renderMarkup(m.content, ctx), INDENT));
  for (const e of (m.embeds ?? []) as Embed[]) {
    lines.push(...renderEmbed(e, ctx).map((l) => `${INDENT}${BAR}${l}`.trimEnd()));
  }
  for (const l of renderComponents(m.components ?? [])) lines.push(`${INDENT}${l}`);
  if (lines.length === 0) lines.push(`${INDENT}(empty message)`);
  return lines;
}

/** `only you can see this` for ephemeral messages, else nothing. */
export function ephemeralNote(m: { flags?: number; ephemeral?: boolean }): string {
  return m.ephemeral === true || ((m.flags ?? 0) & EPHEMERAL) !== 0 ? ' · only you can see this' : '';
}

/** A heading line and the body of a message. */
export function renderMessage(heading: string, m: MessageLike & { ephemeral?: boolean }, ctx: RenderContext): string[] {
  return [`${heading}${ephemeralNote(m)}`, ...renderMessageBody(m, ctx)];
}

/** A DM the bot sent, as its recipient sees it. */
export function renderDm(user: string, m: SimMessage, ctx: RenderContext, edited = false): string[] {
  return renderMessage(`✉ DM to ${user}${edited ? ' (edited)' : ''}`, m, ctx);
}

/** What the person sees of an interaction, and its messages that have buttons, oldest first (`click` targets). */
export interface RenderedInteraction {
  lines: string[];
  withButtons: SimMessage[];
}

/**
 * An interaction's outcome as the user sees it: a failure ("the application did not respond"), the reply (or
 * the clicked message, updated), a modal, then the follow-ups. `clickedMessageId` is the message whose button
 * was pressed, for clicks.
 */
export function renderInteraction(
  v: InteractionView,
  clickedMessageId: string | null,
  ctx: RenderContext,
  botName = 'Moddy',
): RenderedInteraction {
  const lines: string[] = [];
  if (v.status === 'failed') lines.push('✗ (the application did not respond)');
  else if (v.status === 'pending') lines.push(`… (no answer from ${botName} yet)`);
  const shown: SimMessage[] = [];
  if (v.original) {
    const onClicked = clickedMessageId !== null && v.original.id === clickedMessageId;
    // Edited after a deferral, or answered with UPDATE_MESSAGE (callback type 7).
    const updated = v.edits.length > 0 || v.callbacks.some((c) => c.type === 7);
    const heading = !onClicked
      ? `◆ reply to ${v.user}`
      : updated
        ? `◆ message updated for ${v.user}`
        : v.deferred
          ? `◆ ${botName} acknowledged the click (the message did not change)`
          : `◆ message for ${v.user}`;
    lines.push(...renderMessage(heading, v.original, ctx));
    shown.push(v.original);
  } else if (v.status === 'responded' && v.deferred) {
    lines.push(`◆ ${botName} acknowledged the click (nothing changed yet)`);
  }
  if (v.modal !== null && v.modal !== undefined) {
    const title = (v.modal as { title?: string }).title ?? '';
    lines.push(`◆ a form opened: ${title} (forms cannot be filled in the sandbox)`);
  }
  for (const f of v.followUps) {
    if (f.deleted) continue;
    lines.push(...renderMessage(`↳ follow-up to ${v.user}`, f, ctx));
    shown.push(f);
  }
  return { lines, withButtons: shown.filter((m) => buttonsOf(m.components).length > 0) };
}

// ------------------------------------------------------------------ roles

/** Role names per user; null = not a member of the server. */
export type RoleSnapshot = Readonly<Record<string, readonly string[] | null>>;

/** `bob: +premium`, `carol: joined the server`, ... for every user whose membership or roles changed. */
export function diffRoles(before: RoleSnapshot, after: RoleSnapshot): string[] {
  const lines: string[] = [];
  const users = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  for (const user of users) {
    const was = before[user] ?? null;
    const now = after[user] ?? null;
    if (was === null && now === null) continue;
    if (was === null) lines.push(`${user}: joined the server`);
    if (now === null) {
      lines.push(`${user}: left the server`);
      continue;
    }
    const old = new Set(was ?? []);
    const changes = [
      ...now.filter((r) => !old.has(r)).map((r) => `+${r}`),
      ...(was ?? []).filter((r) => !now.includes(r)).map((r) => `-${r}`),
    ];
    if (changes.length) lines.push(`${user}: ${changes.join(' ')}`);
  }
  return lines;
}

// ------------------------------------------------------------------ HTTP answers

/** `← 200 {"success":true,...}`: one line, JSON compact. */
export function renderHttp(status: number, body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return `← ${status} ${text ?? ''}`.trimEnd();
}
