import { spawn } from 'node:child_process';
import { join } from 'node:path';

// `npm run sandbox -- --script test/sandbox/demo.script` as a person would run it: no .env, no credentials,
// the real bot (ts-node) against the simulator and the demo backend. Checks what the script shows.

const ROOT = join(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runSandbox(args: string[], timeoutMs = 55000): Promise<Run> {
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
    run = await runSandbox(['--script', 'test/sandbox/demo.script']);
  }, 60000);

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
    expect(out).toContain('│ Status: 🟢 Active');
    expect(out).toContain('│ Plan: Yearly');
    // <t:..:D> rendered as a date
    expect(out).toMatch(/│ Renews: March 1, 2027 \(.+\)/);
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
    expect(ask).toContain('│ Member: @bob');
    expect(ask).toContain('[ Confirm refund ] [ Cancel ]');
    expect(ask).not.toContain('✉ DM');

    const confirm = block(run.stdout, 'click Confirm');
    expect(confirm).toContain('◆ message updated for admin');
    expect(confirm).toContain('│ Refund made');
    expect(confirm).toContain('│ €5.00 was refunded to @bob.');
    expect(confirm).toContain('✉ DM to bob');
    expect(confirm).toContain('│ You have been refunded');
    expect(confirm).toContain('# announcements: message from Moddy');
    expect(confirm).toContain('│ Result: ✅ Refunded');
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

  it('shows the billing inbox', () => {
    expect(block(run.stdout, '/notifications as alice')).toContain('│ Your billing notifications');
    expect(block(run.stdout, '/notifications as bob')).toContain('only you can see this');
  });

  it('fails (exit 1) when a line does not parse, and says which', async () => {
    const { writeFileSync, mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-spec-'));
    try {
      const file = join(dir, 'bad.script');
      writeFileSync(file, '# a comment\n\n/subscription as nobody\nmember bob\n');
      const bad = await runSandbox(['--script', file]);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toContain('error: unknown user "nobody"');
      // the next line still ran
      expect(bad.stdout).toContain('bob: premium in Moddy');
      expect(bad.stdout).toContain('1 line(s) failed: line 3');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 40000);
});
