import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const BUILDS = join(ROOT, 'node_modules', '.cache', 'moddy-test-build');

function sourcesOf(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourcesOf(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/**
 * The service compiled as production runs it (`tsc`, decorator metadata included), once per version of
 * src/ for all the test files and jest workers: under ts-node, every stack trace goes through source maps,
 * which makes a process several times slower under load than the real one. The first caller compiles
 * (without type checking: `npm run typecheck` does that), the others wait for it.
 */
export function compiledService(): string {
  const hash = createHash('sha256').update(readFileSync(__filename));
  for (const file of sourcesOf(join(ROOT, 'src')).sort()) hash.update(relative(ROOT, file)).update(readFileSync(file));
  const dir = join(BUILDS, hash.digest('hex').slice(0, 16));
  const done = join(dir, '.done');
  const lock = `${dir}.lock`;
  mkdirSync(BUILDS, { recursive: true });
  for (;;) {
    if (existsSync(done)) return join(dir, 'dist', 'main.js');
    try {
      mkdirSync(lock);
    } catch {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200); // another worker is compiling
      continue;
    }
    try {
      for (const old of readdirSync(BUILDS))
        if (!old.endsWith('.lock')) rmSync(join(BUILDS, old), { recursive: true, force: true });
      execFileSync(
        process.execPath,
        [
          join(ROOT, 'node_modules/typescript/bin/tsc'),
          '-p',
          join(ROOT, 'tsconfig.build.json'),
          '--noCheck',
          '--outDir',
          join(dir, 'dist'),
        ],
        { cwd: ROOT, stdio: 'pipe' },
      );
      // Beside dist/, as in a checkout: the service reads its version there.
      writeFileSync(join(dir, 'package.json'), readFileSync(join(ROOT, 'package.json')));
      writeFileSync(done, '');
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

/**
 * How long the compile may take on a loaded machine. Files that spawn the service compile it in a top-level
 * `beforeAll(compiledService, BUILD_TIMEOUT_MS)`, so the compile never counts against a test's own timeout.
 */
export const BUILD_TIMEOUT_MS = 300_000;

export interface BotProcess {
  child: ChildProcess;
  /** The environment it was given (without PATH and NODE_PATH). */
  env: Record<string, string>;
  output: () => string;
  exited: Promise<number | null>;
}

/**
 * Runs the service (src/, compiled: see compiledService) as its own process, with exactly the given
 * environment plus PATH, in `cwd` (default: a place without a .env).
 */
export function spawnBot(env: Record<string, string>, cwd = ROOT + '/test'): BotProcess {
  const child = spawn(process.execPath, [compiledService()], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
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

/** A TCP port free on 127.0.0.1 right now, for a service process to listen on. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
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
