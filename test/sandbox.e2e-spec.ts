import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// `npm run sandbox -- --script tools/sandbox/demo.script` as a person would run it: no .env, no credentials,
// the real bot (ts-node) against the simulator and the demo backend. Checks what the script shows.

const ROOT = join(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runSandbox(args: string[], timeoutMs = 70000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(npm, ['run', '--silent', 'sandbox', '--', ...args], {
      cwd: ROOT,
      // No .env is read by the sandbox; nothing of the test's environment should leak into the bot either.
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TMPDIR: process.env.TMPDIR ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sandbox did not finish within ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The output of one script line: from its echoed prompt to the next prompt. */
function block(out: string, line: string): string {
  const start = out.indexOf(`moddy> ${line}\n`);
  if (start < 0) throw new Error(`"${line}" not echoed in:\n${out}`);
  const next = out.indexOf('moddy> ', start + 7);
  return out.slice(start, next < 0 ? undefined : next);
}

describe('npm run sandbox -- --script (issue 3)', () => {
  let run: Run;

  beforeAll(async () => {
    run = await runSandbox(['--script', 'tools/sandbox/demo.script']);
  }, 75000);

  it('runs the demo script to the end and exits 0', () => {
    if (run.code !== 0) throw new Error(`exit ${String(run.code)}\n${run.stdout}\n${run.stderr}`);
    expect(run.stdout).toMatch(/internal API\s+http:\/\/127\.0\.0\.1:\d+\s+\(Authorization: Bearer \S{32,}\)/);
    expect(run.stdout).not.toMatch(/^error:/m);
    expect(run.stdout).toContain('stopping...');
  });

  it('shows the subscription embed, privately', () => {
    const out = block(run.stdout, '/subscription as alice');
    expect(out).toContain('◆ reply to alice · only you can see this');
    expect(out).toContain('│ Your Moddy subscription');
    // fields as Discord shows them: the name as a heading, the value under it
    expect(out).toContain('│ Status\n  │   🟢 Active\n');
    expect(out).toContain('│ Billing\n  │   Yearly\n');
    // <t:..:D> rendered as a date
    expect(out).toMatch(/│ Renews\n {2}│ {3}March 1, 2027 \(in \d+ months?\)\n/);
    expect(out).toContain('[ Manage subscription ↗ https://moddy.example/billing ]');
  });

  it('pages through invoices with a button', () => {
    expect(block(run.stdout, '/invoices limit:12 as frank')).toMatch(/Page 1 of 3/);
    const next = block(run.stdout, 'click Next');
    expect(next).toContain('◆ message updated for frank');
    expect(next).toMatch(/Page 2 of 3/);
  });

  it('asks for a refund confirmation, and refunds on Confirm: result, DM to the member, audit log', () => {
    const ask = block(run.stdout, '/admin refund user:bob amount:5 as admin');
    expect(ask).toContain('◆ reply to admin · only you can see this');
    expect(ask).toContain('│ Confirm the refund');
    expect(ask).toContain('│ Member\n  │   @bob\n');
    expect(ask).toContain('[ Confirm refund ] [ Cancel ]');
    expect(ask).not.toContain('✉ DM');

    const confirm = block(run.stdout, 'click Confirm');
    expect(confirm).toContain('◆ message updated for admin');
    expect(confirm).toContain('│ Refund made');
    expect(confirm).toContain('│ €5.00 was refunded to @bob.');
    expect(confirm).toContain('✉ DM to bob');
    expect(confirm).toContain('│ You have been refunded');
    expect(confirm).toContain('# announcements: message from Moddy');
    expect(confirm).toContain('│ Result\n  │   ✅ Refunded\n');
  });

  it('DMs the member when the backend notifies, and answers the backend', () => {
    const out = block(run.stdout, 'notify alice subscription_created moddy_max');
    expect(out).toContain('→ POST /internal/notify');
    expect(out).toMatch(/← 200 \{"success":true,.*"notification_sent":true\}/);
    expect(out).toContain('✉ DM to alice');
    expect(out).toContain('│ Welcome to Moddy Max!');
    expect(block(run.stdout, 'invoice alice invoice_paid')).toContain('│ Payment received');
    const dms = block(run.stdout, 'dms alice');
    expect(dms.match(/✉ DM to alice/g)).toHaveLength(2);
  });

  it('shows role changes: taken away on free, granted on join for a pending change', () => {
    const free = block(run.stdout, 'roles bob free');
    expect(free).toMatch(/← 200 \{"success":true/);
    expect(free).toContain('⚙ bob: -premium');
    expect(block(run.stdout, 'member bob')).toContain('bob: (no roles) in Moddy');
    expect(block(run.stdout, 'roles carol moddy_max')).toContain('"pending":true');
    const join = block(run.stdout, 'join carol');
    expect(join).toContain('⚙ carol: joined the server');
    expect(join).toContain('⚙ carol: +premium');
  });

  it("shows the billing inbox, with dates in the reader's Discord language", () => {
    const alice = block(run.stdout, '/notifications as alice');
    expect(alice).toContain('│ Your billing notifications');
    expect(alice).toContain('│ Welcome to Moddy Max!\n');
    expect(alice).not.toContain('Welcome to Moddy Max!:');
    expect(alice).toMatch(/│ {3}\w+ \d{1,2}, \d{4} at \d{1,2}:\d{2}\s[AP]M UTC · ✅ Sent by DM/);
    const bob = block(run.stdout, '/notifications as bob');
    expect(bob).toContain('only you can see this');
    // bob's Discord is in French: so are the bot's words and the client's dates
    expect(bob).toContain('│ Vos notifications de facturation');
    expect(bob).toMatch(/│ {3}\d{1,2} [a-zéû]+ \d{4} à \d{2}:\d{2} UTC · /);
  });

  it('shows the support desk: a member now and their history, deliveries', () => {
    const now = block(run.stdout, '/admin member user:bob as admin');
    expect(now).toContain('◆ reply to admin · only you can see this');
    expect(now).toContain('│ Member @bob');
    expect(now).toContain('│ Premium role\n');
    expect(now).toContain('[ Now (disabled) ] [ History ] [ Re-sync roles ]');
    const history = block(run.stdout, 'click History');
    expect(history).toContain('◆ message updated for admin');
    // the refund made above, and who made it
    expect(history).toMatch(/€5\.00 · @admin/);
    expect(history).toContain('[ Now ] [ History (disabled) ] [ Re-sync roles ]');
    expect(block(run.stdout, '/admin deliveries')).toMatch(/│ Deliveries\n {2}│ Last 24 h: ✅ sent \d+/);
  });

  it('audits roles, and asks before a full sweep (Run the sweep / Cancel)', () => {
    expect(block(run.stdout, '/admin roles audit')).toContain('│ Role audit (dry run)');
    expect(block(run.stdout, '/admin roles sync')).toContain('[ Run the sweep ] [ Cancel ]');
    const cancel = block(run.stdout, 'click Cancel');
    expect(cancel).toContain('◆ message updated for admin');
    expect(cancel).not.toContain('[ Run the sweep ]');
  });

  it('grants premium for a week, and revokes it: the role follows', () => {
    const grant = block(
      run.stdout,
      '/admin premium grant user:erin plan:moddy_max duration:7d reason:"support ticket 42"',
    );
    expect(grant).toContain('│ Premium granted to @erin');
    expect(grant).toContain('support ticket 42');
    expect(grant).toContain('⚙ erin: +premium');
    const revoke = block(run.stdout, '/admin premium revoke user:erin');
    expect(revoke).toContain('│ Staff grant of @erin ended');
    expect(revoke).toContain('⚙ erin: -premium');
  });
});

// What a person runs into (issue 13): lines that fail, the language kept, clicks on the right message, help.
const SESSION = [
  '# a comment',
  '',
  '/subscription as nobody',
  'member bob',
  '/invoices limit:12 as frank locale fr',
  '/admin refund user:bob amount:1 as admin',
  'click Suivant as frank',
  'click Confirm as alice',
  'click Retry as admin',
  'click Cancel',
  '/admin refund user:bob reason:charged twice',
  '/subscription as frank',
  '/subscription as frank locale en-US',
  'help',
];

describe('npm run sandbox -- --script, as a person uses it (issue 13)', () => {
  let run: Run;
  const line = (text: string): number => SESSION.indexOf(text) + 1;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-spec-'));
    try {
      const file = join(dir, 'session.script');
      writeFileSync(file, `${SESSION.join('\n')}\n`);
      run = await runSandbox(['--script', file]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 75000);

  it('fails (exit 1) when a line does not parse or cannot run, says which, and runs the others', () => {
    expect(run.code).toBe(1);
    expect(block(run.stdout, '/subscription as nobody')).toContain('error: unknown user "nobody"');
    // the next line still ran
    expect(block(run.stdout, 'member bob')).toContain('bob: premium in Moddy');
    const failed = ['/subscription as nobody', 'click Confirm as alice', 'click Retry as admin'];
    failed.push('/admin refund user:bob reason:charged twice');
    expect(run.stdout).toContain(`${failed.length} line(s) failed: ${failed.map((l) => `line ${line(l)}`).join(', ')}`);
  });

  it("keeps the language set by locale for the user's next lines and clicks, until changed", () => {
    expect(block(run.stdout, '/invoices limit:12 as frank locale fr')).toContain(
      "(frank's Discord is in fr from now on)",
    );
    const page2 = block(run.stdout, 'click Suivant as frank');
    expect(page2).toContain('◆ message updated for frank');
    expect(page2).toMatch(/Page 2 sur 3/);
    const fr = block(run.stdout, '/subscription as frank');
    expect(fr).toContain('│ Votre abonnement Moddy');
    // a Discord timestamp in the client's language
    expect(fr).toMatch(/│ {3}\d{1,2} [a-zéû]+ \d{4} \(dans \d+ (jours?|mois)\)\n/);
    const en = block(run.stdout, '/subscription as frank locale en-US');
    expect(en).toContain("(frank's Discord is in en-US from now on)");
    expect(en).toContain('│ Your Moddy subscription');
    expect(en).toMatch(/│ {3}[A-Z][a-z]+ \d{1,2}, \d{4} \(in \d+ (days?|months?)\)\n/);
  });

  it('clicks the newest message with buttons that the acting user can see, else says whose it is', () => {
    // admin's confirmation came later, but it is ephemeral: frank's click went to his own invoices
    expect(block(run.stdout, 'click Suivant as frank')).not.toContain('admin');
    // frank's page 2 was shown last
    expect(block(run.stdout, 'click Confirm as alice')).toContain(
      'error: no message with buttons that alice can see; the newest one, "Vos factures Moddy", is frank\'s: add "as frank"',
    );
    expect(block(run.stdout, 'click Retry as admin')).toContain(
      'error: no button "Retry" on "Confirm the refund" (the newest message admin can click); its buttons: 1 Confirm refund, 2 Cancel',
    );
    // without "as": the last user named
    expect(block(run.stdout, 'click Cancel')).toContain('◆ message updated for admin');
  });

  it('says to quote an option value with spaces', () => {
    expect(block(run.stdout, '/admin refund user:bob reason:charged twice')).toContain(
      'error: a value with spaces needs quotes: reason:"charged twice"',
    );
  });

  it('lists each line form once with one example, the staff commands included', () => {
    const help = block(run.stdout, 'help');
    const forms = help.split('\n').filter((l) => /^ {2}\S/.test(l));
    expect(new Set(forms).size).toBe(forms.length);
    for (const example of [
      '/admin member user:bob as admin',
      '/admin deliveries as admin',
      '/admin roles audit as admin',
      '/admin roles sync user:bob as admin',
      '/admin premium grant user:bob plan:moddy_max duration:7d reason:"support ticket 42" as admin',
      '/admin premium revoke user:bob as admin',
      'click Next as frank',
    ]) {
      expect(help).toContain(`\n      e.g. ${example}\n`);
    }
    // one example per form, but for the four typed as they are
    const typedAsIs = ['fault backend-down', 'fault clear', 'help', 'quit'].map((f) => `  ${f}`);
    expect(typedAsIs.every((f) => forms.includes(f))).toBe(true);
    expect(help.match(/^ {6}e\.g\. /gm)).toHaveLength(forms.length - typedAsIs.length);
  });
});

describe('npm run sandbox -- --script with no such file', () => {
  it('says so in one line and exits non-zero, without starting anything', async () => {
    const missing = join(tmpdir(), 'no-such-dir-moddy', 'demo.script');
    const { code, stdout, stderr } = await runSandbox(['--script', missing]);
    expect(code).toBe(2);
    expect(stderr).toBe(`no such file: ${missing}\n`);
    expect(stdout).toBe('');
  });
});
