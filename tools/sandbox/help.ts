// `help`: every line form once, with one example each. The slash commands come from what the bot registered,
// their examples are built from the registration. No I/O here.
import type { CommandOptionRecord, RegisteredCommand } from '../discord-sim/types';
import { commandUsages, OPTION_TYPE, type CommandUsage } from './line-parser';

export interface LineForm {
  form: string;
  does: string;
  /** Absent: the form is typed as it is. */
  example?: string;
}

/** The sandbox's own lines (slash commands are listed from the registration). */
export const SANDBOX_LINES: readonly LineForm[] = [
  {
    form: '/<command> [group] [sub] [name:value ...] [as <user>] [in dm|guild|<channel>] [locale <xx>]',
    does: 'a command listed above, as <user> (default: the last user named); locale <xx> stays theirs, clicks too',
    example: '/subscription as bob in dm locale en-US',
  },
  {
    form: 'click <label>|<n> [as <user>]',
    does: 'press a button of the newest message with buttons that the user can see (ephemeral ones: only theirs)',
    example: 'click Next as frank',
  },
  {
    form: 'notify <user> <action> [plan] [key:value ...]',
    does: 'POST /internal/notify',
    example: 'notify bob subscription_cancelled reason:"too expensive"',
  },
  {
    form: 'invoice <user> [invoice_paid|payment_failed]',
    does: 'POST /internal/invoices/notify (with their newest invoice)',
    example: 'invoice alice payment_failed',
  },
  {
    form: 'refund-notify <user> <amount> [currency] [reason ...]',
    does: 'POST /internal/refunds/notify',
    example: 'refund-notify bob 2.50 eur charged twice',
  },
  {
    form: 'roles <user> <plan>',
    does: 'POST /internal/roles/update (plan free takes the premium role away)',
    example: 'roles bob free',
  },
  { form: 'refresh <user>', does: 'POST /internal/subscription/refresh', example: 'refresh bob' },
  { form: 'join <user>', does: 'the user joins the Moddy server', example: 'join carol' },
  { form: 'leave <user>', does: 'the user leaves the Moddy server', example: 'leave bob' },
  { form: 'dms <user>', does: "the user's DMs from the bot", example: 'dms alice' },
  { form: 'member <user>', does: "the user's roles in the server", example: 'member bob' },
  { form: 'fault dm-closed <user>', does: 'the user closes their DMs', example: 'fault dm-closed alice' },
  { form: 'fault backend-down', does: 'the website backend answers 503 to everything' },
  { form: 'fault clear', does: 'end every fault' },
  {
    form: 'wait [ms]',
    does: 'wait (default 1000 ms) and show what happened meanwhile, edits of earlier replies included',
    example: 'wait 500',
  },
  { form: 'help', does: 'this list' },
  { form: 'quit', does: 'leave (also Ctrl-D)' },
];

/** Example values of string options, by option name; others get one from their type. */
const TEXT_EXAMPLES: Readonly<Record<string, string>> = {
  plan: 'moddy_max',
  duration: '7d',
  reason: 'support ticket 42',
};

const quote = (value: string): string => (/\s/.test(value) ? `"${value}"` : value);

function exampleValue(o: CommandOptionRecord, user: string): string | undefined {
  const [choice] = o.choices ?? [];
  if (choice !== undefined) return quote(String(choice.value));
  switch (o.type) {
    case OPTION_TYPE.USER:
    case OPTION_TYPE.MENTIONABLE:
      return user;
    case OPTION_TYPE.INTEGER:
    case OPTION_TYPE.NUMBER:
      return String(Math.min(Math.max(5, o.min_value ?? 5), o.max_value ?? 5));
    case OPTION_TYPE.BOOLEAN:
      return 'true';
    case OPTION_TYPE.CHANNEL:
      return 'general';
    case OPTION_TYPE.ROLE:
      return 'premium';
    case OPTION_TYPE.STRING:
      return quote(TEXT_EXAMPLES[o.name] ?? 'example');
    default:
      // attachments cannot be typed
      return undefined;
  }
}

/**
 * A line running the command with every option it takes: staff commands as `admin`, others as the first user;
 * user options name `bob` (or the first user).
 */
export function commandExample(c: CommandUsage, users: readonly string[]): string {
  const first = users[0] ?? 'alice';
  const target = users.includes('bob') ? 'bob' : first;
  const actor = c.notes.includes('staff') && users.includes('admin') ? 'admin' : first;
  const options = c.options.flatMap((o) => {
    const value = exampleValue(o, target);
    return value === undefined ? [] : [`${o.name}:${value}`];
  });
  return [c.path, ...options, 'as', actor].join(' ');
}

export function helpLines(commands: readonly RegisteredCommand[], users: readonly string[]): string[] {
  const lines = ['Slash commands the bot registered:'];
  for (const c of commandUsages(commands)) {
    const notes = c.notes.length ? `  (${c.notes.join(', ')})` : '';
    lines.push(`  ${c.usage}${notes}`);
    if (c.description) lines.push(`      ${c.description}`);
    lines.push(`      e.g. ${commandExample(c, users)}`);
  }
  lines.push('Sandbox lines:');
  for (const l of SANDBOX_LINES) {
    lines.push(`  ${l.form}`, `      ${l.does}`);
    if (l.example !== undefined) lines.push(`      e.g. ${l.example}`);
  }
  return lines;
}
