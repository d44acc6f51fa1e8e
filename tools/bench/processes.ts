import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from './stats';

export const ROOT = join(__dirname, '..', '..');

/** Compiles the service as production runs it (`npm run build` -> dist/). */
export function build(): void {
  const result = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm run build failed:\n${result.stdout}\n${result.stderr}`);
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resident set size of a process, in MB, from /proc (what the platform bills and kills on). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!kb) throw new Error(`no VmRSS for ${pid}`);
  return Number(kb[1]) / 1024;
}

export type LogLine = Record<string, unknown>;

/** Every child still running: killed if the bench itself stops early (an error, Ctrl-C), so none outlives it. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

/** A child process whose stdout and stderr go to a file (never a pipe the bench could fail to drain). */
export class LoggedProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly logFile: string,
    readonly spawnedAt: number,
    private readonly dir: string,
  ) {}

  static start(args: string[], env: Record<string, string>, name: string, cwd?: string): LoggedProcess {
    const dir = mkdtempSync(join(tmpdir(), `moddy-bench-${name}-`));
    const logFile = join(dir, 'out.log');
    const fd = openSync(logFile, 'w');
    const spawnedAt = Date.now();
    // cwd without a .env: the service reads exactly the environment given here.
    const child = spawn(process.execPath, args, {
      cwd: cwd ?? dir,
      env: { PATH: process.env.PATH ?? '', DATA_DIR: join(dir, 'data'), ...env },
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    running.add(child);
    child.once('exit', () => running.delete(child));
    return new LoggedProcess(child, logFile, spawnedAt, dir);
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('process did not start');
    return this.child.pid;
  }

  text(): string {
    return readFileSync(this.logFile, 'utf8');
  }

  /** The JSON lines written so far (other lines are skipped). */
  lines(): LogLine[] {
    const out: LogLine[] = [];
    for (const line of this.text().split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        out.push(JSON.parse(line) as LogLine);
      } catch {
        // a line being written
      }
    }
    return out;
  }

  async waitForLine(match: (line: LogLine) => boolean, timeoutMs: number): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines().find(match);
      if (found) return found;
      if (this.child.exitCode !== null) throw new Error(`process exited (${this.child.exitCode}):\n${this.tail()}`);
      if (Date.now() > deadline) throw new Error(`no matching log line within ${timeoutMs} ms:\n${this.tail()}`);
      await sleep(20);
    }
  }

  async waitForText(text: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.text().includes(text)) {
      if (this.child.exitCode !== null) throw new Error(`process exited (${this.child.exitCode}):\n${this.tail()}`);
      if (Date.now() > deadline) throw new Error(`"${text}" not seen within ${timeoutMs} ms:\n${this.tail()}`);
      await sleep(20);
    }
  }

  tail(lines = 20): string {
    return this.text().split('\n').slice(-lines).join('\n');
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The service as production runs it: `node dist/main.js` (build() first). */
export function startBot(env: Record<string, string>, name = 'bot'): LoggedProcess {
  return LoggedProcess.start([join(ROOT, 'dist', 'main.js')], { NODE_PATH: join(ROOT, 'node_modules'), ...env }, name);
}

/** The plain Fastify baseline (tools/bench/baseline-app.ts) under ts-node, which only costs at load time. */
export function startBaseline(env: Record<string, string>): LoggedProcess {
  return LoggedProcess.start(
    ['-r', join(ROOT, 'node_modules/ts-node/register/transpile-only'), join(__dirname, 'baseline-app.ts')],
    { TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'), NODE_PATH: join(ROOT, 'node_modules'), ...env },
    'baseline',
  );
}

/** CPU time (user + system) a process has used so far, in ms, from /proc. */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime (fields 14 and 15 of stat), in clock ticks of 10 ms
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The demo backend in its own process (tsx, like the simulator), so its work never shares the bench's loop. */
export async function startDemoBackend(secret: string): Promise<{ url: string; process: LoggedProcess }> {
  const backend = LoggedProcess.start(
    ['--import', 'tsx', join(ROOT, 'tools/demo-backend/main.ts'), '--port', '0', '--secret', secret],
    {},
    'backend',
    ROOT,
  );
  try {
    const line = await backend.waitForLine((l) => typeof l.listening === 'string', 30_000);
    return { url: String(line.listening), process: backend };
  } catch (error) {
    await backend.stop();
    throw error;
  }
}
