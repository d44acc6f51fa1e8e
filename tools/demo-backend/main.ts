// Runs the demo backend as its own process:
//   node_modules/.bin/tsx tools/demo-backend/main.ts [--port N] [--secret S] [--ids alice=ID,bob=ID] [--log]
// Prints one line `{"listening":"http://127.0.0.1:PORT"}` on stdout once ready; request logs go to stderr.
import { DemoBackend, DEMO_SECRET } from './demo-backend';

export interface MainOptions {
  port: number;
  secret: string;
  ids: Record<string, string>;
  log: boolean;
}

const USAGE = `usage: tsx tools/demo-backend/main.ts [--port N] [--secret S] [--ids name=ID,...] [--log]
env: DEMO_BACKEND_PORT, DEMO_BACKEND_SECRET (else INTERNAL_API_SECRET), DEMO_BACKEND_IDS (same format or JSON), DEMO_BACKEND_LOG=1`;

/** Reads `name=id,name=id` or a JSON object. */
export function parseIds(text: string): Record<string, string> {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  if (trimmed.startsWith('{')) {
    const parsed = JSON.parse(trimmed) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error('ids: expected an object');
    const ids: Record<string, string> = {};
    for (const [name, id] of Object.entries(parsed)) {
      if (typeof id !== 'string') throw new Error(`ids: ${name} must map to a string`);
      ids[name] = id;
    }
    return ids;
  }
  return Object.fromEntries(
    trimmed.split(',').map((pair) => {
      const [name, id, ...rest] = pair.split('=').map((s) => s.trim());
      if (!name || !id || rest.length) throw new Error(`ids: "${pair}" is not name=id`);
      return [name, id];
    }),
  );
}

/** Options from argv (wins) and the environment. */
export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): MainOptions {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--log') {
      flags.set('log', '1');
      continue;
    }
    const match = /^--(port|secret|ids)(?:=(.*))?$/.exec(arg);
    if (!match?.[1]) throw new Error(`unknown argument "${arg}"\n${USAGE}`);
    const value = match[2] ?? argv[++i];
    if (value === undefined) throw new Error(`--${match[1]} needs a value\n${USAGE}`);
    flags.set(match[1], value);
  }
  const portText = flags.get('port') ?? env.DEMO_BACKEND_PORT ?? '0';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`port: "${portText}" is not a port`);
  const secret = flags.get('secret') ?? env.DEMO_BACKEND_SECRET ?? env.INTERNAL_API_SECRET ?? DEMO_SECRET;
  const ids = parseIds(flags.get('ids') ?? env.DEMO_BACKEND_IDS ?? '');
  const log = flags.has('log') || env.DEMO_BACKEND_LOG === '1' || env.DEMO_BACKEND_LOG === 'true';
  return { port, secret, ids, log };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env);
  const backend = await DemoBackend.start({
    port: options.port,
    secret: options.secret,
    ids: options.ids,
    log: options.log ? (line) => process.stderr.write(`${line}\n`) : undefined,
  });
  const shutdown = (): void => {
    backend.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  process.stdout.write(`${JSON.stringify({ listening: backend.url })}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`demo-backend: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
