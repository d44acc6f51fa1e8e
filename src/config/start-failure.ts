import type { AppConfig } from './app-config';

/**
 * A failed start whose message already names the cause in the operator's words (see describeStartFailure):
 * beside ConfigError because each cause points at what the operator set (DATA_DIR, DATABASE_URL,
 * DISCORD_TOKEN, PORT, HOST).
 */
export class StartFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartFailure';
  }
}

/** Where the boot was when it failed: opening the store, logging in to Discord, or opening the port. */
export type StartPhase = 'store' | 'discord' | 'listen';

/** The store the configuration selects: PostgreSQL at DATABASE_URL, else SQLite in DATA_DIR. */
type Store = 'sqlite' | 'postgres';

interface ErrorFacts {
  message: string;
  code?: string;
  name?: string;
}

/** The error's first line and code, looking through the wrappers (undici's `fetch failed`, AggregateError). */
function factsOf(error: unknown): ErrorFacts {
  if (!(error instanceof Error)) return { message: String(error).split('\n')[0] };
  const code = (error as { code?: unknown }).code;
  const own: ErrorFacts = { message: error.message.split('\n')[0], name: error.name };
  if (typeof code === 'string') own.code = code;
  if (own.code === undefined && error.cause instanceof Error) {
    const inner = factsOf(error.cause);
    if (inner.code) return inner;
  }
  if (own.code === undefined && error instanceof AggregateError && error.errors[0] instanceof Error) {
    const inner = factsOf(error.errors[0]);
    if (inner.code) return { ...inner, message: own.message || inner.message };
  }
  return own;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/** What @discordjs/ws says when the gateway closes for good, by close code. */
const GATEWAY_REFUSALS: Record<string, string> = {
  'Authentication failed': 'Discord refused the token (4004): check DISCORD_TOKEN',
  'Used disallowed intents':
    'Discord refused the Server Members intent (4014): enable it under Privileged Gateway Intents in the Developer Portal',
  'Used invalid intents': 'Discord refused the intents (4013)',
  'Invalid shard': 'Discord refused the shard (4010)',
  'Sharding is required': 'Discord requires sharding for this bot (4011)',
  'Used an invalid API version': 'Discord refused the API version (4012)',
};

function storeCause(facts: ErrorFacts, dialect: Store, dataDir: string): string {
  if (dialect === 'sqlite') return `the SQLite store in DATA_DIR (${dataDir}) cannot be opened: ${facts.message}`;
  // The URL is a secret (it holds the password): named by its variable only. pg's messages never include it.
  const where = 'PostgreSQL at DATABASE_URL';
  if (facts.code && NETWORK_CODES.has(facts.code)) return `${where} is unreachable: ${facts.message}`;
  if (/timeout/i.test(facts.message)) return `${where} is unreachable: ${facts.message}`;
  switch (facts.code) {
    case '28P01':
    case '28000':
      return `${where} refused the login: ${facts.message}`;
    case '3D000':
      return `${where} has no such database: ${facts.message}`;
    default:
      return `${where} could not be prepared: ${facts.message}`;
  }
}

function discordCause(error: unknown, facts: ErrorFacts): string | undefined {
  if (facts.code === 'TokenInvalid') return 'Discord refused the token (401): check DISCORD_TOKEN';
  if (facts.code === 'DisallowedIntents') return GATEWAY_REFUSALS['Used disallowed intents'];
  const refusal = GATEWAY_REFUSALS[facts.message];
  if (refusal) return refusal;
  if (facts.code && NETWORK_CODES.has(facts.code)) return `Discord is unreachable: ${facts.message}`;
  if (facts.name === 'AbortError' || facts.name === 'TimeoutError') return `Discord is unreachable: ${facts.message}`;
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number') return `Discord answered ${status} to the login: ${facts.message}`;
  return undefined;
}

function listenCause(facts: ErrorFacts, host: string, port: number): string | undefined {
  switch (facts.code) {
    case 'EADDRINUSE':
      return `port ${port} on ${host} is already in use (EADDRINUSE)`;
    case 'EACCES':
      return `port ${port} on ${host} may not be opened by this user (EACCES)`;
    case 'EADDRNOTAVAIL':
      return `HOST ${host} is not an address of this machine (EADDRNOTAVAIL)`;
    default:
      return undefined;
  }
}

export interface StartContext {
  dialect: Store;
  dataDir: string;
  host: string;
  port: number;
}

export function startContextOf(config: AppConfig): StartContext {
  return {
    dialect: config.databaseUrl ? 'postgres' : 'sqlite',
    dataDir: config.dataDir,
    host: config.internalApi.host,
    port: config.internalApi.port,
  };
}

/**
 * The one line a failed start prints: what failed, in words an operator can act on. Never a secret: the
 * store is named by its variable, and the log line is scrubbed of every configured secret anyway.
 */
export function describeStartFailure(error: unknown, phase: StartPhase, context: StartContext): string {
  if (error instanceof StartFailure) return error.message;
  const facts = factsOf(error);
  const cause =
    phase === 'store'
      ? storeCause(facts, context.dialect, context.dataDir)
      : phase === 'discord'
        ? discordCause(error, facts)
        : listenCause(facts, context.host, context.port);
  return cause ?? facts.message;
}

/** Tags the failure of one boot step with its phase, so describeStartFailure can name the cause. */
export async function startStep<T>(phase: StartPhase, context: StartContext, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw new StartFailure(describeStartFailure(error, phase, context), { cause: error });
  }
}
