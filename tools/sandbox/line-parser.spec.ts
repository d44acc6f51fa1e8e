import { command, COMMANDS } from './commands.fixture';
import { commandUsages, isSkippable, parseLine, tokenize, type Action, type ParseContext } from './line-parser';

const ctx: ParseContext = { commands: COMMANDS, users: ['alice', 'bob', 'carol', 'admin'] };

function ok(line: string): Action {
  const r = parseLine(line, ctx);
  if (!r.ok) throw new Error(`expected "${line}" to parse: ${r.error}`);
  return r.action;
}

function err(line: string): string {
  const r = parseLine(line, ctx);
  if (r.ok) throw new Error(`expected "${line}" to fail, got ${JSON.stringify(r.action)}`);
  return r.error;
}

describe('tokenize', () => {
  it('splits on spaces and keeps quoted words together', () => {
    expect(tokenize('  /admin refund   user:bob reason:"charged twice" ')).toEqual([
      '/admin',
      'refund',
      'user:bob',
      'reason:charged twice',
    ]);
    expect(tokenize(`say 'it is' "a \\"quote\\""`)).toEqual(['say', 'it is', 'a "quote"']);
    expect(tokenize('x:""')).toEqual(['x:']);
  });

  it('refuses an unterminated quote', () => {
    expect(() => tokenize('reason:"oops')).toThrow(/unterminated/);
  });

  it('skips blank lines and comments', () => {
    expect(isSkippable('')).toBe(true);
    expect(isSkippable('   # a comment')).toBe(true);
    expect(isSkippable('/subscription')).toBe(false);
  });
});

describe('slash commands, parsed against the registration', () => {
  it('a plain command as a user', () => {
    expect(ok('/subscription as alice')).toEqual({
      kind: 'slash',
      command: 'subscription',
      options: {},
      user: 'alice',
      where: 'guild',
    });
  });

  it('without "as" the user is left to the sandbox (the last one named)', () => {
    expect(ok('/subscription')).toMatchObject({ kind: 'slash', user: undefined });
  });

  it('integer options are typed and bounded by the registration', () => {
    expect(ok('/invoices limit:3 as alice')).toMatchObject({ options: { limit: 3 }, user: 'alice' });
    expect(err('/invoices limit:500')).toMatch(/limit: at most 100/);
    expect(err('/invoices limit:0')).toMatch(/at least 1/);
    expect(err('/invoices limit:three')).toMatch(/whole number/);
    expect(err('/invoices limit:2.5')).toMatch(/whole number/);
  });

  it('subcommands, number and string options, user options by world name', () => {
    expect(ok('/admin refund user:bob amount:5 reason:"charged twice" as admin')).toEqual({
      kind: 'slash',
      command: 'admin',
      subcommand: 'refund',
      options: { user: 'bob', amount: 5, reason: 'charged twice' },
      user: 'admin',
      where: 'guild',
    });
    expect(ok('/admin refund user:@Bob amount:4,99')).toMatchObject({ options: { user: 'bob', amount: 4.99 } });
    expect(ok('/admin refund user:123456789012345678')).toMatchObject({ options: { user: '123456789012345678' } });
  });

  it('subcommand groups', () => {
    expect(ok('/admin roles sync user:bob as admin')).toMatchObject({
      command: 'admin',
      group: 'roles',
      subcommand: 'sync',
      options: { user: 'bob' },
    });
    expect(err('/admin roles user:bob')).toMatch(/\/admin roles needs a subcommand: sync, audit \(got "user:bob"\)/);
    expect(ok('/admin premium grant user:bob plan:moddy_max duration:7d reason:"support ticket 42"')).toMatchObject({
      group: 'premium',
      subcommand: 'grant',
      options: { user: 'bob', plan: 'moddy_max', duration: '7d', reason: 'support ticket 42' },
    });
    expect(ok('/admin roles sync as admin')).toMatchObject({ group: 'roles', subcommand: 'sync', options: {} });
  });

  it('where and in which language', () => {
    expect(ok('/subscription in dm as bob locale fr')).toMatchObject({ where: 'dm', user: 'bob', locale: 'fr' });
    // Discord's own spelling, whatever the case typed
    expect(ok('/subscription locale FR as alice')).toMatchObject({ user: 'alice', locale: 'fr' });
    expect(ok('/subscription locale en-us')).toMatchObject({ locale: 'en-US' });
    expect(err('/subscription locale french')).toMatch(
      /locale: "french" is not a Discord language \(id, da, de, .*fr,/,
    );
    expect(err('/subscription locale')).toMatch(/expected a value after "locale"/);
    expect(ok('/subscription in #announcements')).toMatchObject({ where: 'guild', channel: 'announcements' });
    expect(ok('/subscription in guild')).toMatchObject({ where: 'guild', channel: undefined });
  });

  it('booleans, choices (by value or name) and channels', () => {
    expect(ok('/prefs quiet:yes lang:Français where:#general')).toMatchObject({
      options: { quiet: true, lang: 'fr', where: 'general' },
    });
    expect(ok('/prefs lang:en-US')).toMatchObject({ options: { lang: 'en-US' } });
    expect(err('/prefs lang:de')).toMatch(/one of en-US, fr/);
    expect(err('/prefs quiet:maybe')).toMatch(/true or false/);
  });

  it('explains what is wrong', () => {
    expect(err('/nope')).toMatch(/unknown command \/nope \(registered: \/admin, \/invoices, \/prefs, \/subscription\)/);
    expect(err('/admin')).toMatch(
      /\/admin needs a subcommand: roles, subscription, member, deliveries, premium, refund \(got nothing\)/,
    );
    expect(err('/admin refund amount:5')).toMatch(/\/admin refund needs user:/);
    expect(err('/admin refund user:zed')).toMatch(/unknown user "zed"/);
    expect(err('/invoices count:3')).toMatch(/has no option "count" \(options: limit\)/);
    expect(err('/invoices 3')).toMatch(/unexpected "3".*name:value/);
    expect(err('/invoices limit:3 limit:4')).toMatch(/given twice/);
    expect(err('/subscription as')).toMatch(/expected a value after "as"/);
    expect(err('/subscription as nobody')).toMatch(/unknown user "nobody"/);
  });

  it('says to quote a value with spaces', () => {
    expect(err('/admin refund user:bob reason:charged twice')).toBe(
      'a value with spaces needs quotes: reason:"charged twice"',
    );
    expect(err('/admin refund user:bob reason:charged twice by mistake as admin amount:5')).toBe(
      'a value with spaces needs quotes: reason:"charged twice by mistake"',
    );
    // a word that follows no option is not taken for a value
    expect(err('/admin refund bob')).toMatch(/unexpected "bob" after \/admin refund: options are written name:value/);
  });

  it('follows the registration: a command registered later parses with no change here', () => {
    const later = { ...ctx, commands: [...COMMANDS, command('ping', [{ type: 3, name: 'text', description: 't' }])] };
    expect(parseLine('/ping text:hello', later)).toEqual({
      ok: true,
      action: { kind: 'slash', command: 'ping', options: { text: 'hello' }, where: 'guild' },
    });
  });
});

describe('sandbox lines', () => {
  it('click by label (several words) or by number, optionally as someone else', () => {
    expect(ok('click Confirm')).toEqual({ kind: 'click', target: { label: 'Confirm' }, user: undefined });
    expect(ok('click Confirm refund as bob')).toEqual({
      kind: 'click',
      target: { label: 'Confirm refund' },
      user: 'bob',
    });
    expect(ok('click 2')).toEqual({ kind: 'click', target: { index: 2 }, user: undefined });
    expect(err('click')).toMatch(/usage: click/);
    expect(err('click 0')).toMatch(/numbered from 1/);
  });

  it('backend callbacks', () => {
    expect(ok('notify alice subscription_created moddy_max')).toEqual({
      kind: 'notify',
      user: 'alice',
      action: 'subscription_created',
      plan: 'moddy_max',
      metadata: {},
    });
    expect(ok('notify bob subscription_cancelled reason:"too expensive"')).toEqual({
      kind: 'notify',
      user: 'bob',
      action: 'subscription_cancelled',
      plan: undefined,
      metadata: { reason: 'too expensive' },
    });
    expect(ok('invoice alice')).toEqual({ kind: 'invoice', user: 'alice', event: 'invoice_paid' });
    expect(ok('invoice alice payment_failed')).toEqual({ kind: 'invoice', user: 'alice', event: 'payment_failed' });
    expect(ok('refund-notify bob 2.50 usd double charge')).toEqual({
      kind: 'refund-notify',
      user: 'bob',
      amount: 250,
      currency: 'usd',
      reason: 'double charge',
    });
    expect(ok('refund-notify bob 5')).toEqual({
      kind: 'refund-notify',
      user: 'bob',
      amount: 500,
      currency: 'eur',
      reason: undefined,
    });
    expect(err('refund-notify bob lots')).toMatch(/not an amount/);
    expect(ok('roles bob free')).toEqual({ kind: 'roles', user: 'bob', plan: 'free' });
    expect(ok('refresh bob')).toEqual({ kind: 'refresh', user: 'bob' });
    expect(err('roles bob')).toMatch(/usage: roles <user> <plan>/);
    expect(err('notify zed subscription_created')).toMatch(/unknown user "zed"/);
    expect(err('notify bob subscription_cancelled reason:too expensive')).toBe(
      'notify: a value with spaces needs quotes: reason:"too expensive"',
    );
  });

  it('the world', () => {
    expect(ok('join carol')).toEqual({ kind: 'join', user: 'carol' });
    expect(ok('leave carol')).toEqual({ kind: 'leave', user: 'carol' });
    expect(ok('dms alice')).toEqual({ kind: 'dms', user: 'alice' });
    expect(ok('roles? bob')).toEqual({ kind: 'member', user: 'bob' });
    expect(ok('member bob')).toEqual({ kind: 'member', user: 'bob' });
    expect(ok('fault dm-closed alice')).toEqual({ kind: 'fault', fault: 'dm-closed', user: 'alice' });
    expect(ok('fault backend-down')).toEqual({ kind: 'fault', fault: 'backend-down' });
    expect(ok('fault clear')).toEqual({ kind: 'fault', fault: 'clear' });
    expect(err('fault everything')).toMatch(/usage: fault/);
    expect(ok('wait')).toEqual({ kind: 'wait', ms: 1000 });
    expect(ok('wait 250')).toEqual({ kind: 'wait', ms: 250 });
    expect(err('wait forever')).toMatch(/0 to 60000/);
  });

  it('help, quit, and unknown words', () => {
    expect(ok('help')).toEqual({ kind: 'help' });
    expect(ok('QUIT')).toEqual({ kind: 'quit' });
    expect(ok('exit')).toEqual({ kind: 'quit' });
    expect(err('dance')).toMatch(/unknown command "dance" \(type help\)/);
  });
});

describe('commandUsages (help)', () => {
  it('lists every invocable leaf with its options, required first, bounds shown', () => {
    const usages = commandUsages([...COMMANDS, COMMANDS[0]]);
    expect(usages.map((u) => u.usage)).toEqual([
      '/admin deliveries',
      '/admin member user:<user>',
      '/admin premium grant user:<user> plan:<text ≤64> duration:<text ≤8> [reason:<text ≤500>]',
      '/admin premium revoke user:<user>',
      '/admin refund user:<user> [amount:<number 0.01..100000>] [reason:<text ≤500>]',
      '/admin roles audit',
      '/admin roles sync [user:<user>]',
      '/admin subscription user:<user>',
      '/invoices [limit:<integer 1..100>]',
      '/prefs [quiet:<true|false>] [lang:<en-US|fr>] [where:<channel>]',
      '/subscription',
    ]);
    expect(usages[4]).toMatchObject({ path: '/admin refund', description: 'refund', notes: ['staff', 'guild only'] });
    expect(usages.at(-1)).toMatchObject({ path: '/subscription', description: 'the subscription command', notes: [] });
  });
});
