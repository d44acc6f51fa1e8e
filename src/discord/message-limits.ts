import { ButtonStyle, ComponentType, type APIButtonComponent, type APIEmbed, type APIEmbedField } from 'discord.js';

/** Discord's limits on a message (https://discord.com/developers/docs/resources/message#embed-object-embed-limits). */
export const DISCORD_LIMITS = {
  content: 2000,
  embeds: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  /** All the text of all the embeds of one message. */
  embedsTotal: 6000,
  rows: 5,
  buttonsPerRow: 5,
  buttonLabel: 80,
  buttonUrl: 512,
} as const;

/**
 * Control characters (C0 and C1, but line feed) and the bidirectional embeddings, overrides and isolates:
 * text from the backend or staff could otherwise reverse what a DM title or an audit post reads
 * ("U+202E" makes "fdp.exe" show as "exe.pdf"). Right-to-left text itself, marks and joiners stay.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;
const ELLIPSIS = '…';
/** What Discord shows for a field name or value that must not be empty. */
const EMPTY = '\u200b';

/** Text as it may be shown: line breaks kept (`multiline`) or made spaces, tabs made spaces, the unsafe rest removed. */
export function displayText(text: string, multiline = false): string {
  const lines = text.replace(/\r\n?/g, '\n').replace(/\t/g, ' ');
  return (multiline ? lines : lines.replace(/\n/g, ' ')).replace(UNSAFE, '');
}

/**
 * `text` cut to at most `max` UTF-16 units, with an ellipsis when cut, never between the two halves of a
 * surrogate pair (an emoji). Counting UTF-16 units is the stricter of Discord's and its schema's measures.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - ELLIPSIS.length);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return text.slice(0, end) + ELLIPSIS;
}

/** A URL Discord takes for a link button: https, well-formed, at most 512 characters. */
export function isLinkButtonUrl(url: string): boolean {
  return url.length <= DISCORD_LIMITS.buttonUrl && /^https:\/\//.test(url) && URL.canParse(url);
}

/**
 * An https URL as a Markdown link target (or a button's): normalized by the URL parser, its parentheses
 * encoded since they would end the link early; undefined for anything else.
 */
export function linkTarget(url: string | null | undefined): string | undefined {
  if (!url || !/^https:\/\//.test(url) || !URL.canParse(url)) return undefined;
  return new URL(url).href.replace(/\(/g, '%28').replace(/\)/g, '%29');
}

const fitLine = (text: string, max: number) => clip(displayText(text), max);
const fitBlock = (text: string, max: number) => clip(displayText(text, true), max);

function embedLength(embed: APIEmbed): number {
  let n = (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0);
  n += embed.author?.name.length ?? 0;
  for (const field of embed.fields ?? []) n += field.name.length + field.value.length;
  return n;
}

function fitEmbed(embed: APIEmbed): APIEmbed {
  const out: APIEmbed = { ...embed };
  if (out.title !== undefined) out.title = fitLine(out.title, DISCORD_LIMITS.title);
  if (out.description !== undefined) out.description = fitBlock(out.description, DISCORD_LIMITS.description);
  if (out.footer) out.footer = { ...out.footer, text: fitLine(out.footer.text, DISCORD_LIMITS.footer) };
  if (out.author) out.author = { ...out.author, name: fitLine(out.author.name, DISCORD_LIMITS.author) };
  if (out.fields) {
    out.fields = out.fields.slice(0, DISCORD_LIMITS.fields).map((field): APIEmbedField => ({
      ...field,
      name: fitLine(field.name, DISCORD_LIMITS.fieldName) || EMPTY,
      value: fitBlock(field.value, DISCORD_LIMITS.fieldValue) || EMPTY,
    }));
  }
  return out;
}

/** Shortens the longest texts of the embeds (descriptions, then field values) until all of them fit 6,000. */
function fitTotal(embeds: APIEmbed[]): APIEmbed[] {
  let excess = embeds.reduce((n, e) => n + embedLength(e), 0) - DISCORD_LIMITS.embedsTotal;
  for (let i = embeds.length - 1; i >= 0 && excess > 0; i--) {
    const embed = embeds[i];
    const shrink = (text: string): string => {
      const cut = clip(text, Math.max(EMPTY.length, text.length - excess));
      excess -= text.length - cut.length;
      return cut;
    };
    if (embed.description) embed.description = shrink(embed.description);
    for (const field of [...(embed.fields ?? [])].reverse()) {
      if (excess <= 0) break;
      field.value = shrink(field.value) || EMPTY;
    }
  }
  return embeds;
}

function fitButton(button: APIButtonComponent): APIButtonComponent | undefined {
  if (button.style === ButtonStyle.Link && !isLinkButtonUrl(button.url)) return undefined;
  if (!('label' in button) || button.label === undefined) return button;
  return { ...button, label: fitLine(button.label, DISCORD_LIMITS.buttonLabel) };
}

interface ButtonRow {
  type: ComponentType.ActionRow;
  components: APIButtonComponent[];
}
const isButtonRow = (row: unknown): row is ButtonRow =>
  typeof row === 'object' &&
  row !== null &&
  (row as ButtonRow).type === ComponentType.ActionRow &&
  (row as ButtonRow).components.every((c) => c.type === ComponentType.Button);

/** The message shapes the service sends: DMs, channel posts and interaction replies. */
export interface FittableMessage {
  content?: string;
  embeds?: APIEmbed[];
  components?: readonly unknown[];
}

/**
 * The last step of every renderer: whatever went into it, the message fits Discord's limits. Texts lose
 * their unsafe characters (see displayText) and are clipped with an ellipsis; embeds, fields, rows and
 * buttons are capped; a link button whose URL Discord would refuse is dropped (a renderer that must keep
 * a long link puts it in the text instead). Discord would refuse the whole message otherwise (50035).
 */
export function fitMessage<M extends FittableMessage>(message: M): M {
  const out: M = { ...message };
  if (out.content !== undefined) out.content = fitBlock(out.content, DISCORD_LIMITS.content);
  if (out.embeds) out.embeds = fitTotal(out.embeds.slice(0, DISCORD_LIMITS.embeds).map(fitEmbed));
  if (out.components) {
    out.components = out.components.slice(0, DISCORD_LIMITS.rows).flatMap((row) => {
      if (!isButtonRow(row)) return [row];
      const buttons = row.components
        .slice(0, DISCORD_LIMITS.buttonsPerRow)
        .map(fitButton)
        .filter((b): b is APIButtonComponent => b !== undefined);
      return buttons.length > 0 ? [{ ...row, components: buttons }] : [];
    });
  }
  return out;
}
