import { RefundTiming } from '../src/refunds/refund-timing';
import { BACKEND_PATHS } from '../tools/demo-backend/demo-backend';
import { Sandbox } from '../tools/sandbox/actions';
import { parseLine } from '../tools/sandbox/line-parser';
import { startStack, type Stack } from '../tools/sandbox/stack';

// The sandbox as a person watching Discord (issue 13): an interaction message the bot edits after the line that
// caused it (a deferred reply finished later, a refund confirmation that expires) is shown again, as edited, with
// the line during which it changed. The real stack (simulator, demo backend, bot) in this process.

/** discord.js editing an interaction's original message (editReply). */
const EDIT_ORIGINAL = 'PATCH /webhooks/:webhook_id/:webhook_token/messages/@original';

describe('the sandbox shows later edits of interaction messages (issue 13)', () => {
  let stack: Stack;
  let sandbox: Sandbox;
  const out: string[] = [];

  /** Runs one sandbox line; what it printed. */
  async function line(text: string): Promise<string> {
    const start = out.length;
    const parsed = parseLine(text, { commands: await sandbox.commands(), users: sandbox.users });
    if (!parsed.ok) throw new Error(parsed.error);
    await sandbox.run(parsed.action);
    return out.slice(start).join('\n');
  }

  /** Edits of interaction originals before the current test (the session goes on from test to test, as a person's). */
  let editsBefore = 0;
  /** Waits until the current test has caused `count` edits of interaction originals. */
  const edits = (count: number) =>
    stack.sim.waitForRequests({ method: 'PATCH', route: EDIT_ORIGINAL }, editsBefore + count);

  beforeAll(async () => {
    stack = await startStack({ logLevel: 'warn' });
    sandbox = new Sandbox({
      sim: stack.sim,
      backend: stack.backend,
      url: stack.url,
      secret: stack.secret,
      out: (l) => out.push(l),
      // A reply later than this is shown as it stands (thinking), and its edit with a later line.
      interactionTimeoutMs: 1000,
    });
    await sandbox.commands();
    await sandbox.init();
  }, 60000);

  afterAll(async () => {
    await stack?.stop();
  });

  beforeEach(async () => {
    editsBefore = (await stack.sim.requests({ method: 'PATCH', route: EDIT_ORIGINAL })).length;
  });

  it('shows a refund confirmation again when it expires: title, text and disabled buttons', async () => {
    stack.app.get(RefundTiming).confirmationTtlMs = 1500;
    const ask = await line('/admin refund user:bob amount:2 as admin');
    expect(ask).toContain('◆ reply to admin · only you can see this');
    expect(ask).toContain('│ Confirm the refund');
    expect(ask).not.toContain('(edited)');
    // The confirmation, then the bot's own edit at expiry.
    await edits(2);
    const meanwhile = await line('wait 0');
    expect(meanwhile).toContain('◆ reply to admin (edited) · only you can see this');
    expect(meanwhile).toContain('│ Refund confirmation expired');
    expect(meanwhile).toContain('│ It was not confirmed in time, so nothing was refunded.');
    expect(meanwhile).toContain('[ Confirm refund (disabled) ] [ Cancel (disabled) ]');
    // shown once: the next line has nothing new
    expect(await line('wait 0')).toBe('');
  });

  it('shows a deferred reply again once the bot finishes it, in the reader’s language', async () => {
    stack.backend.delay(BACKEND_PATHS.subscriptionInfo, 2500, { times: 1 });
    const asked = await line('/subscription as bob');
    expect(asked).toContain('◆ reply to bob · only you can see this');
    expect(asked).toContain('Moddy is thinking...');
    await edits(1);
    const meanwhile = await line('wait 0');
    expect(meanwhile).toContain('◆ reply to bob (edited) · only you can see this');
    expect(meanwhile).toContain('│ Votre abonnement Moddy');
    expect(meanwhile).not.toContain('thinking');
  });

  it('does not show a click’s own update again as a later edit', async () => {
    await line('/invoices limit:12 as frank');
    const next = await line('click Next');
    expect(next).toContain('◆ message updated for frank');
    expect(await line('wait 0')).toBe('');
  });
});
