import { COMMANDS } from './commands.fixture';
import { commandExample, helpLines, SANDBOX_LINES } from './help';
import { commandUsages, parseLine, type ParseContext } from './line-parser';

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'admin'];
const ctx: ParseContext = { commands: COMMANDS, users: USERS };

describe('help', () => {
  const lines = helpLines(COMMANDS, USERS);
  /** Lines of a form (two spaces in), as opposed to what it does and its example (six). */
  const forms = lines.filter((l) => /^ {2}\S/.test(l));

  it('lists each line form once: every registered command leaf, then the sandbox lines', () => {
    expect(new Set(forms).size).toBe(forms.length);
    const usages = commandUsages(COMMANDS).map((c) => c.usage);
    expect(forms.map((f) => f.replace(/ {2}\(.*\)$/, '').trim())).toEqual([
      ...usages,
      ...SANDBOX_LINES.map((l) => l.form),
    ]);
    expect(lines).toContain(
      '  /admin premium grant user:<user> plan:<text ≤64> duration:<text ≤8> [reason:<text ≤500>]  (staff, guild only)',
    );
  });

  /** The "e.g." lines between the form `form` and the next one. */
  function examplesOf(form: string): string[] {
    const at = lines.findIndex((l) => l === `  ${form}` || l.startsWith(`  ${form}  (`));
    if (at < 0) throw new Error(`"${form}" is not in help`);
    const next = lines.findIndex((l, i) => i > at && /^ {2}\S/.test(l));
    return lines
      .slice(at + 1, next < 0 ? undefined : next)
      .filter((l) => l.startsWith('      e.g. '))
      .map((l) => l.slice('      e.g. '.length));
  }

  it('gives one example per command, which runs that command', () => {
    for (const c of commandUsages(COMMANDS)) {
      const examples = examplesOf(c.usage);
      expect(examples).toHaveLength(1);
      const parsed = parseLine(examples[0], ctx);
      if (!parsed.ok || parsed.action.kind !== 'slash') throw new Error(`"${examples[0]}": ${JSON.stringify(parsed)}`);
      const { command, group, subcommand } = parsed.action;
      expect(['/' + command, group, subcommand].filter(Boolean).join(' ')).toBe(c.path);
    }
  });

  it('gives one example per sandbox line (none when typed as it is), which parses as that line', () => {
    for (const l of SANDBOX_LINES) {
      const examples = examplesOf(l.form);
      expect(examples).toEqual(l.example === undefined ? [] : [l.example]);
      const line = l.example ?? l.form;
      const parsed = parseLine(line, ctx);
      if (!parsed.ok) throw new Error(`help example "${line}" does not parse: ${parsed.error}`);
      // every sandbox verb is the kind of its action
      expect(parsed.action.kind).toBe(l.form.startsWith('/') ? 'slash' : l.form.split(' ')[0]);
    }
  });

  it('builds command examples from the registration: every option, staff commands as admin', () => {
    const example = (path: string): string => {
      const usage = commandUsages(COMMANDS).find((c) => c.path === path);
      if (!usage) throw new Error(`${path} is not in the fixture`);
      return commandExample(usage, USERS);
    };
    expect(example('/admin premium grant')).toBe(
      '/admin premium grant user:bob plan:moddy_max duration:7d reason:"support ticket 42" as admin',
    );
    expect(example('/admin roles sync')).toBe('/admin roles sync user:bob as admin');
    expect(example('/admin deliveries')).toBe('/admin deliveries as admin');
    expect(example('/admin refund')).toBe('/admin refund user:bob amount:5 reason:"support ticket 42" as admin');
    expect(example('/invoices')).toBe('/invoices limit:5 as alice');
    expect(example('/prefs')).toBe('/prefs quiet:true lang:en-US where:general as alice');
    const parsed = parseLine(example('/admin premium grant'), ctx);
    expect(parsed).toEqual({
      ok: true,
      action: {
        kind: 'slash',
        command: 'admin',
        group: 'premium',
        subcommand: 'grant',
        options: { user: 'bob', plan: 'moddy_max', duration: '7d', reason: 'support ticket 42' },
        user: 'admin',
        where: 'guild',
      },
    });
  });
});
