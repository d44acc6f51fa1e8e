// The sandbox's line language, parsed without side effects. Slash commands are parsed against the commands the
// bot registered with (simulated) Discord, so a command added to the bot needs no change here.
import type { CommandOptionRecord, RegisteredCommand } from '../discord-sim/types';
import { LOCALES } from '../discord-sim/validation';

/** Discord application command option types. */
export const OPTION_TYPE = {
  SUB_COMMAND: 1,
  SUB_COMMAND_GROUP: 2,
  STRING: 3,
  INTEGER: 4,
  BOOLEAN: 5,
  USER: 6,
  CHANNEL: 7,
  ROLE: 8,
  MENTIONABLE: 9,
  NUMBER: 10,
  ATTACHMENT: 11,
} as const;

export type OptionValue = string | number | boolean;

export type FaultSpec = { fault: 'dm-closed'; user: string } | { fault: 'backend-down' } | { fault: 'clear' };

export type Action =
  | {
      kind: 'slash';
      command: string;
      group?: string;
      subcommand?: string;
      options: Record<string, OptionValue>;
      /** Absent: the sandbox's current user. */
      user?: string;
      /** `guild` (the main guild's `general` unless `channel`) or `dm` (the bot's DM). */
      where: 'guild' | 'dm';
      channel?: string;
      /** A Discord locale (`fr`, `en-US`, ...): the user's language from this line on. */
      locale?: string;
    }
  | { kind: 'click'; target: { label: string } | { index: number }; user?: string }
  | { kind: 'notify'; user: string; action: string; plan?: string; metadata: Record<string, string> }
  | { kind: 'invoice'; user: string; event: string }
  | { kind: 'refund-notify'; user: string; amount: number; currency: string; reason?: string }
  | { kind: 'roles'; user: string; plan: string }
  | { kind: 'refresh'; user: string }
  | { kind: 'join'; user: string }
  | { kind: 'leave'; user: string }
  | { kind: 'dms'; user: string }
  | { kind: 'member'; user: string }
  | ({ kind: 'fault' } & FaultSpec)
  | { kind: 'wait'; ms: number }
  | { kind: 'help' }
  | { kind: 'quit' };

export interface ParseContext {
  /** The commands the bot registered (global and guild; duplicates by name are fine). */
  commands: readonly RegisteredCommand[];
  /** World user names (`alice`, `bob`, ...). Snowflakes are accepted as users too. */
  users: readonly string[];
}

export type ParseResult = { ok: true; action: Action } | { ok: false; error: string };

export class ParseError extends Error {}

const SNOWFLAKE = /^[0-9]{17,20}$/;

/**
 * Splits a line into words. Double or single quotes group words (`reason:"charged twice"` is one word,
 * `reason:charged twice` without quotes is two); a backslash escapes the next character inside double quotes.
 */
export function tokenize(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < line.length) word += line[++i];
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote) throw new ParseError(`unterminated ${quote} quote`);
  if (inWord) words.push(word);
  return words;
}

/** True for lines a script skips: blank lines and `#` comments. */
export function isSkippable(line: string): boolean {
  const t = line.trim();
  return t === '' || t.startsWith('#');
}

/** Parses one line (not blank, not a comment). */
export function parseLine(line: string, ctx: ParseContext): ParseResult {
  try {
    return { ok: true, action: parseOrThrow(line, ctx) };
  } catch (error) {
    if (error instanceof ParseError) return { ok: false, error: error.message };
    throw error;
  }
}

function parseOrThrow(line: string, ctx: ParseContext): Action {
  const words = tokenize(line.trim());
  const head = words[0];
  if (head === undefined) throw new ParseError('empty line');
  if (head.startsWith('/')) return parseSlash(head.slice(1), words.slice(1), ctx);
  const args = words.slice(1);
  const verb = head.toLowerCase();
  const user = (i: number, what = 'a user'): string => resolveUser(args[i], ctx, what);
  const exactly = (n: number, usage: string): void => {
    if (args.length !== n) throw new ParseError(`usage: ${usage}`);
  };
  switch (verb) {
    case 'help':
    case '?':
      return { kind: 'help' };
    case 'quit':
    case 'exit':
      return { kind: 'quit' };
    case 'click':
      return parseClick(args, ctx);
    case 'notify': {
      if (args.length < 2) throw new ParseError('usage: notify <user> <action> [plan] [key:value ...]');
      const metadata: Record<string, string> = {};
      const rest: string[] = [];
      const words = args.slice(2);
      for (const [i, word] of words.entries()) {
        const m = /^([A-Za-z_][\w-]*):(.*)$/s.exec(word);
        if (m) metadata[m[1]] = m[2];
        else if (i > 0 && words[i - 1].includes(':')) throw new ParseError(`notify: ${quoteHint(words, i)}`);
        else rest.push(word);
      }
      if (rest.length > 1) throw new ParseError(`notify: unexpected "${rest[1]}"`);
      return { kind: 'notify', user: user(0), action: args[1], plan: rest[0], metadata };
    }
    case 'invoice': {
      if (args.length < 1 || args.length > 2)
        throw new ParseError('usage: invoice <user> [invoice_paid|payment_failed]');
      return { kind: 'invoice', user: user(0), event: args[1] ?? 'invoice_paid' };
    }
    case 'refund-notify': {
      if (args.length < 2)
        throw new ParseError('usage: refund-notify <user> <amount, e.g. 4.99> [currency] [reason ...]');
      const amount = parseMoney(args[1]);
      let rest = args.slice(2);
      let currency = 'eur';
      if (rest[0] !== undefined && /^[a-z]{3}$/i.test(rest[0])) {
        currency = rest[0].toLowerCase();
        rest = rest.slice(1);
      }
      return {
        kind: 'refund-notify',
        user: user(0),
        amount,
        currency,
        reason: rest.length ? rest.join(' ') : undefined,
      };
    }
    case 'roles': {
      exactly(2, 'roles <user> <plan>   (e.g. roles bob moddy_max, roles bob free)');
      return { kind: 'roles', user: user(0), plan: args[1] };
    }
    case 'refresh':
      exactly(1, 'refresh <user>');
      return { kind: 'refresh', user: user(0) };
    case 'join':
    case 'leave':
      exactly(1, `${verb} <user>`);
      return { kind: verb, user: user(0) };
    case 'dms':
      exactly(1, 'dms <user>');
      return { kind: 'dms', user: user(0) };
    case 'member':
    case 'roles?':
      exactly(1, `${verb} <user>`);
      return { kind: 'member', user: user(0) };
    case 'fault':
      return { kind: 'fault', ...parseFault(args, ctx) };
    case 'wait': {
      if (args.length > 1) throw new ParseError('usage: wait [milliseconds]');
      const ms = args[0] === undefined ? 1000 : Number(args[0]);
      if (!Number.isInteger(ms) || ms < 0 || ms > 60000) throw new ParseError('wait: 0 to 60000 milliseconds');
      return { kind: 'wait', ms };
    }
    default:
      throw new ParseError(`unknown command "${head}" (type help)`);
  }
}

function parseClick(args: string[], ctx: ParseContext): Action {
  let words = args;
  let user: string | undefined;
  const as = words.lastIndexOf('as');
  if (as >= 0 && as === words.length - 2) {
    user = resolveUser(words[as + 1], ctx, 'a user after "as"');
    words = words.slice(0, as);
  }
  if (words.length === 0) throw new ParseError('usage: click <button label or number> [as <user>]');
  const label = words.join(' ');
  if (/^[0-9]+$/.test(label)) {
    const index = Number(label);
    if (index < 1) throw new ParseError('click: buttons are numbered from 1');
    return { kind: 'click', target: { index }, user };
  }
  return { kind: 'click', target: { label }, user };
}

function parseFault(args: string[], ctx: ParseContext): FaultSpec {
  const usage = 'usage: fault dm-closed <user> | fault backend-down | fault clear';
  switch (args[0]) {
    case 'dm-closed':
      if (args.length !== 2) throw new ParseError(usage);
      return { fault: 'dm-closed', user: resolveUser(args[1], ctx, 'a user') };
    case 'backend-down':
    case 'clear':
      if (args.length !== 1) throw new ParseError(usage);
      return { fault: args[0] };
    default:
      throw new ParseError(usage);
  }
}

/** `5`, `4.99` or `4,99` in major units to minor units (cents). */
function parseMoney(text: string): number {
  if (!/^[0-9]+([.,][0-9]{1,2})?$/.test(text)) throw new ParseError(`"${text}" is not an amount such as 5 or 4.99`);
  const cents = Math.round(Number(text.replace(',', '.')) * 100);
  if (cents < 1) throw new ParseError('the amount must be positive');
  return cents;
}

function resolveUser(word: string | undefined, ctx: ParseContext, what: string): string {
  if (word === undefined) throw new ParseError(`expected ${what}`);
  if (SNOWFLAKE.test(word)) return word;
  const name = word.replace(/^@/, '').toLowerCase();
  const found = ctx.users.find((u) => u.toLowerCase() === name);
  if (!found) throw new ParseError(`unknown user "${word}" (users: ${ctx.users.join(', ')})`);
  return found;
}

// ------------------------------------------------------------------ slash commands

function findCommand(name: string, ctx: ParseContext): RegisteredCommand {
  const chat = ctx.commands.filter((c) => c.type === 1);
  const found = chat.find((c) => c.name === name.toLowerCase());
  if (!found) {
    const names = [...new Set(chat.map((c) => `/${c.name}`))].sort();
    throw new ParseError(`unknown command /${name} (registered: ${names.join(', ') || 'none yet'})`);
  }
  return found;
}

function parseSlash(name: string, words: string[], ctx: ParseContext): Action {
  if (name === '') throw new ParseError('expected a command name after /');
  const command = findCommand(name, ctx);
  const top = command.options ?? [];
  let rest = words;
  let group: string | undefined;
  let subcommand: string | undefined;
  let leaf: readonly CommandOptionRecord[] = top;
  let path = `/${command.name}`;

  const pick = (kinds: number[], options: readonly CommandOptionRecord[], what: string): CommandOptionRecord => {
    const word = rest[0];
    const choices = options.filter((o) => kinds.includes(o.type)).map((o) => o.name);
    const found = word === undefined ? undefined : options.find((o) => kinds.includes(o.type) && o.name === word);
    if (!found) {
      const got = word === undefined ? 'nothing' : `"${word}"`;
      throw new ParseError(`${path} needs a ${what}: ${choices.join(', ')} (got ${got})`);
    }
    rest = rest.slice(1);
    path += ` ${found.name}`;
    return found;
  };
  const nested = top.some((o) => o.type === OPTION_TYPE.SUB_COMMAND || o.type === OPTION_TYPE.SUB_COMMAND_GROUP);
  if (nested) {
    const first = pick([OPTION_TYPE.SUB_COMMAND, OPTION_TYPE.SUB_COMMAND_GROUP], top, 'subcommand');
    if (first.type === OPTION_TYPE.SUB_COMMAND_GROUP) {
      group = first.name;
      const sub = pick([OPTION_TYPE.SUB_COMMAND], first.options ?? [], 'subcommand');
      subcommand = sub.name;
      leaf = sub.options ?? [];
    } else {
      subcommand = first.name;
      leaf = first.options ?? [];
    }
  }

  const options: Record<string, OptionValue> = {};
  let user: string | undefined;
  let where: 'guild' | 'dm' = 'guild';
  let channel: string | undefined;
  let locale: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i];
    const next = (): string => {
      const value = rest[++i];
      if (value === undefined) throw new ParseError(`expected a value after "${word}"`);
      return value;
    };
    const colon = word.indexOf(':');
    if (colon > 0) {
      const optName = word.slice(0, colon);
      const spec = leaf.find((o) => o.name === optName);
      if (!spec) {
        const known = leaf.map((o) => o.name).join(', ') || 'none';
        throw new ParseError(`${path} has no option "${optName}" (options: ${known})`);
      }
      if (optName in options) throw new ParseError(`option "${optName}" given twice`);
      options[optName] = optionValue(spec, word.slice(colon + 1), ctx, path);
    } else if (word === 'as') {
      user = resolveUser(next(), ctx, 'a user after "as"');
    } else if (word === 'in') {
      const place = next();
      if (place === 'dm' || place === 'dms') where = 'dm';
      else if (place === 'guild' || place === 'server') where = 'guild';
      else {
        where = 'guild';
        channel = place.replace(/^#/, '');
      }
    } else if (word === 'locale') {
      locale = discordLocale(next());
    } else if (colon < 0 && i > 0 && rest[i - 1].indexOf(':') > 0) {
      throw new ParseError(quoteHint(rest, i));
    } else {
      throw new ParseError(
        `unexpected "${word}" after ${path}: options are written name:value (${usage(leaf) || 'it takes none'})`,
      );
    }
  }
  const missing = leaf.filter((o) => o.required === true && !(o.name in options)).map((o) => o.name);
  if (missing.length) throw new ParseError(`${path} needs ${missing.map((m) => `${m}:`).join(' ')}`);
  return { kind: 'slash', command: command.name, group, subcommand, options, user, where, channel, locale };
}

/** A Discord client locale, whatever its case (`FR` is `fr`, `en-us` is `en-US`). */
function discordLocale(word: string): string {
  const found = LOCALES.find((l) => l.toLowerCase() === word.toLowerCase());
  if (!found) throw new ParseError(`locale: "${word}" is not a Discord language (${LOCALES.join(', ')})`);
  return found;
}

/**
 * `reason:charged twice` without quotes: the words after `name:value` up to the next `name:value`, `as`, `in`
 * or `locale` were meant as part of the value.
 */
function quoteHint(words: readonly string[], at: number): string {
  const option = words[at - 1];
  let end = at;
  while (end < words.length && !words[end].includes(':') && !['as', 'in', 'locale'].includes(words[end])) end++;
  const colon = option.indexOf(':');
  const value = [option.slice(colon + 1), ...words.slice(at, end)].join(' ');
  return `a value with spaces needs quotes: ${option.slice(0, colon)}:"${value}"`;
}

function optionValue(spec: CommandOptionRecord, raw: string, ctx: ParseContext, path: string): OptionValue {
  const label = `${path} ${spec.name}:`;
  if (spec.choices && spec.choices.length > 0) {
    const byValue = spec.choices.find((c) => String(c.value) === raw);
    const byName = spec.choices.find((c) => c.name.toLowerCase() === raw.toLowerCase());
    const choice = byValue ?? byName;
    if (!choice) throw new ParseError(`${label} one of ${spec.choices.map((c) => String(c.value)).join(', ')}`);
    return choice.value;
  }
  switch (spec.type) {
    case OPTION_TYPE.STRING:
      if (raw === '') throw new ParseError(`${label} needs text (quote it if it has spaces)`);
      return raw;
    case OPTION_TYPE.INTEGER: {
      if (!/^-?[0-9]+$/.test(raw)) throw new ParseError(`${label} expects a whole number, got "${raw}"`);
      return checkRange(spec, Number(raw), label);
    }
    case OPTION_TYPE.NUMBER: {
      const n = Number(raw.replace(',', '.'));
      if (raw === '' || !Number.isFinite(n)) throw new ParseError(`${label} expects a number, got "${raw}"`);
      return checkRange(spec, n, label);
    }
    case OPTION_TYPE.BOOLEAN: {
      const v = raw.toLowerCase();
      if (['true', 'yes', 'on'].includes(v)) return true;
      if (['false', 'no', 'off'].includes(v)) return false;
      throw new ParseError(`${label} expects true or false, got "${raw}"`);
    }
    case OPTION_TYPE.USER:
      return resolveUser(raw, ctx, `${label} a user`);
    case OPTION_TYPE.MENTIONABLE:
      // A user name, else a role name (the simulator resolves both).
      return SNOWFLAKE.test(raw) || ctx.users.some((u) => u.toLowerCase() === raw.toLowerCase())
        ? resolveUser(raw, ctx, 'a user')
        : raw;
    case OPTION_TYPE.CHANNEL:
    case OPTION_TYPE.ROLE:
      // Names or ids; the simulator resolves them (and refuses unknown ones, as Discord's client would).
      return raw.replace(/^[#@]/, '');
    default:
      throw new ParseError(`${label} options of type ${spec.type} cannot be typed in the sandbox`);
  }
}

function checkRange(spec: CommandOptionRecord, n: number, label: string): number {
  if (spec.min_value !== undefined && n < spec.min_value) throw new ParseError(`${label} at least ${spec.min_value}`);
  if (spec.max_value !== undefined && n > spec.max_value) throw new ParseError(`${label} at most ${spec.max_value}`);
  return n;
}

// ------------------------------------------------------------------ help

const TYPE_HINT: Record<number, string> = {
  [OPTION_TYPE.STRING]: 'text',
  [OPTION_TYPE.INTEGER]: 'integer',
  [OPTION_TYPE.BOOLEAN]: 'true|false',
  [OPTION_TYPE.USER]: 'user',
  [OPTION_TYPE.CHANNEL]: 'channel',
  [OPTION_TYPE.ROLE]: 'role',
  [OPTION_TYPE.MENTIONABLE]: 'user|role',
  [OPTION_TYPE.NUMBER]: 'number',
  [OPTION_TYPE.ATTACHMENT]: 'file',
};

function optionHint(o: CommandOptionRecord): string {
  if (o.choices && o.choices.length > 0) return o.choices.map((c) => String(c.value)).join('|');
  let hint = TYPE_HINT[o.type] ?? `type ${o.type}`;
  if (o.min_value !== undefined || o.max_value !== undefined) {
    hint += ` ${o.min_value ?? ''}..${o.max_value ?? ''}`;
  }
  if (o.max_length !== undefined) hint += ` ≤${o.max_length}`;
  return hint;
}

/** `user:<user> [amount:<number 0.5..>]`: the options of a leaf command, required first. */
export function usage(options: readonly CommandOptionRecord[]): string {
  return options
    .filter((o) => o.type !== OPTION_TYPE.SUB_COMMAND && o.type !== OPTION_TYPE.SUB_COMMAND_GROUP)
    .map((o) => {
      const text = `${o.name}:<${optionHint(o)}>`;
      return o.required === true ? text : `[${text}]`;
    })
    .join(' ');
}

export interface CommandUsage {
  /** `/admin refund` */
  path: string;
  /** The leaf's options. */
  options: readonly CommandOptionRecord[];
  /** `/admin refund user:<user> [amount:<number>]` */
  usage: string;
  description: string;
  /** Staff only (default_member_permissions set) or not usable in DMs. */
  notes: string[];
}

/** Every invocable leaf of the registered commands (each subcommand on its own line), sorted. */
export function commandUsages(commands: readonly RegisteredCommand[]): CommandUsage[] {
  const seen = new Set<string>();
  const out: CommandUsage[] = [];
  for (const c of commands) {
    if (c.type !== 1 || seen.has(c.name)) continue;
    seen.add(c.name);
    const notes: string[] = [];
    if (c.default_member_permissions !== null && c.default_member_permissions !== undefined) {
      notes.push(c.default_member_permissions === '0' ? 'hidden' : 'staff');
    }
    if (c.contexts && !c.contexts.includes(1)) notes.push('guild only');
    const add = (path: string, options: readonly CommandOptionRecord[], description: string): void => {
      const opts = usage(options);
      out.push({ path, options, usage: opts ? `${path} ${opts}` : path, description, notes });
    };
    const top = c.options ?? [];
    const subs = top.filter((o) => o.type === OPTION_TYPE.SUB_COMMAND || o.type === OPTION_TYPE.SUB_COMMAND_GROUP);
    if (subs.length === 0) {
      add(`/${c.name}`, top, c.description);
      continue;
    }
    for (const s of subs) {
      if (s.type === OPTION_TYPE.SUB_COMMAND) add(`/${c.name} ${s.name}`, s.options ?? [], s.description ?? '');
      else {
        for (const leaf of s.options ?? []) {
          add(`/${c.name} ${s.name} ${leaf.name}`, leaf.options ?? [], leaf.description ?? '');
        }
      }
    }
  }
  return out.sort((a, b) => a.usage.localeCompare(b.usage));
}
