// `npm run sandbox`: the bot against a local Discord simulator and a demo backend, with a prompt.
// `npm run sandbox -- --script FILE` runs FILE's lines instead of a prompt (exit 1 if one fails, 2 if FILE cannot be
// read).
// Runs under ts-node (Nest's DI needs decorator metadata, which tsx/esbuild does not emit).
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { ActionError, Sandbox } from './actions';
import { isSkippable, parseLine, type ParseContext } from './line-parser';
import { startStack, type Stack } from './stack';

const PROMPT = 'moddy> ';

interface Args {
  script?: string;
  logLevel?: string;
}

const USAGE = `usage: npm run sandbox [-- --script FILE] [--log-level debug]

Starts a local Discord simulator, a demo website backend and the bot, then reads lines such as
  /subscription as alice          click Confirm          notify alice subscription_created moddy_max
Type help at the prompt for all of them.`;

function parseArgs(argv: string[]): Args {
  const args: Args = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--script') args.script = argv[++i] ?? '';
    else if (a?.startsWith('--script=')) args.script = a.slice('--script='.length);
    else if (a === '--log-level') args.logLevel = argv[++i];
    else if (a === '--help' || a === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else {
      process.stderr.write(`unknown argument ${String(a)}\n${USAGE}\n`);
      process.exit(2);
    }
  }
  if (args.script === '') {
    process.stderr.write('--script needs a file\n');
    process.exit(2);
  }
  return args;
}

/** The script's lines; a file that cannot be read is one line on stderr and exit 2, not a stack trace. */
function readScript(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split(/\r?\n/);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    process.stderr.write(code === 'ENOENT' ? `no such file: ${file}\n` : `cannot read ${file} (${String(code)})\n`);
    process.exit(2);
  }
}

const print = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

function banner(stack: Stack, sandbox: Sandbox): void {
  const w = stack.sim.world;
  print('');
  print(`Moddy sandbox: the bot is connected to a local Discord (server "${w.guildName}") and a demo backend.`);
  print(`  internal API   ${stack.url}   (Authorization: Bearer ${stack.secret})`);
  print(`                 curl -H 'Authorization: Bearer ${stack.secret}' ${stack.url}/internal/health`);
  print(`  bot logs       ${stack.logFile}`);
  print(`  users          ${sandbox.users.join(', ')}  (admin is staff; carol is not in the server)`);
  print('Type help for the commands, quit to leave.');
  print('');
}

/** Runs one line; false when it failed (parse error or an action that threw). */
async function runLine(line: string, sandbox: Sandbox, ctx: () => Promise<ParseContext>): Promise<boolean | 'quit'> {
  const parsed = parseLine(line, await ctx());
  if (!parsed.ok) {
    print(`error: ${parsed.error}`);
    return false;
  }
  if (parsed.action.kind === 'quit') return 'quit';
  try {
    await sandbox.run(parsed.action);
    return true;
  } catch (error) {
    if (error instanceof ActionError) print(`error: ${error.message}`);
    else print(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return false;
  }
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const scriptLines = args.script !== undefined ? readScript(args.script) : undefined;
  const stack = await startStack({ logLevel: args.logLevel, progress: (l) => print(l) });
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= stack.stop());
  for (const signal of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) {
    process.once(signal, () => {
      void stop().finally(() => process.exit(0));
    });
  }
  try {
    const sandbox = new Sandbox({
      sim: stack.sim,
      backend: stack.backend,
      url: stack.url,
      secret: stack.secret,
      out: print,
    });
    await sandbox.commands();
    await sandbox.init();
    // Commands are read again for every line: a command registered later shows up at once.
    const ctx = async (): Promise<ParseContext> => ({ commands: await sandbox.commands(), users: sandbox.users });
    banner(stack, sandbox);

    if (scriptLines) {
      const failed: number[] = [];
      for (const [i, line] of scriptLines.entries()) {
        if (isSkippable(line)) continue;
        print(`${PROMPT}${line.trim()}`);
        const result = await runLine(line, sandbox, ctx);
        if (result === 'quit') break;
        if (!result) failed.push(i + 1);
        print('');
      }
      if (failed.length) {
        print(`${failed.length} line(s) failed: ${failed.map((n) => `line ${n}`).join(', ')}`);
        return 1;
      }
      return 0;
    }

    // Piped input is not echoed by a terminal: echo it after the prompt, as in script mode.
    const tty = process.stdin.isTTY === true;
    const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: PROMPT, terminal: tty });
    rl.on('SIGINT', () => rl.close());
    if (tty) rl.prompt();
    for await (const line of rl) {
      if (!tty) print(`${PROMPT}${line}`);
      if (!isSkippable(line)) {
        const result = await runLine(line, sandbox, ctx);
        if (result === 'quit') break;
      }
      if (tty) rl.prompt();
    }
    rl.close();
    print('');
    return 0;
  } finally {
    print('stopping...');
    await stop();
    print(`bot logs kept in ${stack.logFile}`);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`sandbox: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    const logFile = (error as { logFile?: string } | null)?.logFile;
    if (logFile) process.stderr.write(`bot logs: ${logFile}\n`);
    process.exit(1);
  },
);
