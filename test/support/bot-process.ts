import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface BotProcess {
  child: ChildProcess;
  /** The environment it was given (without PATH and the ts-node settings). */
  env: Record<string, string>;
  output: () => string;
  exited: Promise<number | null>;
}

/**
 * Runs src/main.ts as its own process (ts-node, which keeps Nest's decorator metadata), with exactly
 * the given environment plus PATH, in `cwd` (default: a place without a .env).
 */
export function spawnBot(env: Record<string, string>, cwd = ROOT + '/test'): BotProcess {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(ROOT, 'src/main.ts')], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
      NODE_PATH: join(ROOT, 'node_modules'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (b: Buffer) => (text += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (text += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, env, output: () => text, exited };
}

/** Polls `url` until it answers with `status`, or throws after `timeoutMs`. */
export async function waitForStatus(url: string, status: number, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).status === status) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
