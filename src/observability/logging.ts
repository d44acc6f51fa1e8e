import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import pino, { type DestinationStream, type Level, type Logger, type LoggerOptions } from 'pino';
import type { AppConfig, LogLevel } from '../config/app-config';

export const REDACTED = '[redacted]';

/** An incoming X-Request-Id is kept only when it looks like an id (a UUID, a ULID, a trace id), else replaced. */
const WELL_FORMED_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A secret shorter than this cannot be told apart from ordinary words, so it is not searched for in log lines. */
const MIN_SCRUBBED_LENGTH = 8;

/** Routes polled by machines (platform probes, Prometheus): their lines go to debug, not info. */
const QUIET_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * Where credential headers sit in objects that get logged (a request, an axios error's config). Exact paths
 * only: wildcards cost every log call, and the scrubber below catches the secrets' values wherever they are.
 */
const REDACTED_PATHS = [
  'authorization',
  'headers.authorization',
  'headers["x-moddy-signature"]',
  'req.headers.authorization',
  'req.headers["x-moddy-signature"]',
  'config.headers.Authorization',
  'err.config.headers.Authorization',
];

/** Nest's `verbose` is pino's `trace`; the other names are pino's own. */
function pinoLevel(level: LogLevel): Level | 'silent' {
  return level === 'verbose' ? 'trace' : level;
}

/** The request id of an HTTP request: the caller's X-Request-Id when well-formed, else a new UUID. */
export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && WELL_FORMED_REQUEST_ID.test(given) ? given : randomUUID();
}

/** Every secret of the configuration, as the values to cut out of any log line. */
export function secretsOf(config: AppConfig): string[] {
  const secrets = [config.discord.token, config.internalApi.secret, config.databaseUrl, config.metricsToken];
  if (config.databaseUrl) {
    try {
      // The password alone can show up in a driver's message, without the rest of the URL.
      const password = new URL(config.databaseUrl).password;
      secrets.push(password, decodeURIComponent(password));
    } catch {
      // not a parsable URL: the whole value is still scrubbed
    }
  }
  return secrets.filter((s): s is string => typeof s === 'string');
}

/**
 * Replaces every occurrence of a secret in a serialized log line (also in its JSON-escaped form), whatever
 * field or message it hides in: an error text, a stack, a header someone decided to log.
 */
export function secretScrubber(secrets: string[]): (line: string) => string {
  const forms = [
    ...new Set(
      secrets.filter((s) => s.length >= MIN_SCRUBBED_LENGTH).flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]),
    ),
  ].sort((a, b) => b.length - a.length);
  if (forms.length === 0) return (line) => line;
  return (line) => {
    let out = line;
    for (const form of forms) if (out.includes(form)) out = out.split(form).join(REDACTED);
    return out;
  };
}

/** The pino options of the service: string levels and a `message` key (what Railway's log explorer reads). */
function loggerOptions(config: AppConfig): LoggerOptions {
  return {
    level: pinoLevel(config.logLevel),
    messageKey: 'message',
    base: { service: 'discord-bot', version: config.version },
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACTED_PATHS, censor: REDACTED },
    hooks: { streamWrite: secretScrubber(secretsOf(config)) },
  };
}

/** A human-readable stream for LOG_FORMAT=pretty; pino-pretty is a dev dependency, so JSON when it is absent. */
async function prettyStream(): Promise<DestinationStream | undefined> {
  try {
    const { default: pretty } = await import('pino-pretty');
    return pretty({ messageKey: 'message', ignore: 'pid,hostname,service,version', translateTime: 'SYS:HH:MM:ss.l' });
  } catch {
    return undefined;
  }
}

/**
 * The root logger: JSON lines on stdout by default, pretty when LOG_FORMAT=pretty. Written asynchronously
 * (lines that come together share one write: a synchronous write per line was a tenth of the CPU of a
 * request in the benchmark); pino flushes what is pending when the process exits, crash included.
 */
export async function createRootLogger(config: AppConfig, destination?: DestinationStream): Promise<Logger> {
  const pretty = !destination && config.logFormat === 'pretty' ? await prettyStream() : undefined;
  const logger = pino(loggerOptions(config), destination ?? pretty ?? pino.destination({ dest: 1, sync: false }));
  if (config.logFormat === 'pretty' && !destination && !pretty) {
    logger.warn('LOG_FORMAT=pretty needs the pino-pretty dev dependency; writing JSON instead');
  }
  return logger;
}

/**
 * One line per HTTP request, when it is answered: method, route template, status, duration and the request id
 * (bound by Fastify as `reqId`). Fastify's own "incoming request" line is dropped.
 */
export class RequestLogController extends LogController {
  /** The first path segments of the service's own routes (`internal`, `health`, ...), as Fastify adds them. */
  private readonly routeSegments = new Set<string>();

  /** Called for each route added (Fastify's onRoute hook). */
  knowRoute(url: string): void {
    const first = url.split('/')[1];
    if (first) this.routeSegments.add(first);
  }

  /**
   * What an unmatched request logs of its path: anyone can send any path, with an e-mail address or a token
   * in it, so only its first segment, and only when it is one of the service's own (`/internal`); else `/*`.
   */
  unmatchedPath(url: string): string {
    const first = url.split('?')[0].split('/')[1] ?? '';
    return this.routeSegments.has(first) ? `/${first}` : '/*';
  }

  override incomingRequest(): void {
    // the completed line says it all
  }

  override routeNotFound(): void {
    // the completed line (status 404) says it all
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const route = request.routeOptions.url ?? null;
    const line = {
      method: request.method,
      route,
      // Only unmatched requests name their path, cut to its first segment; a template carries no ids.
      ...(route === null ? { path: this.unmatchedPath(request.url) } : {}),
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 100) / 100,
    };
    if (error) reply.log.error({ ...line, err: error }, 'request failed');
    else if (reply.statusCode >= 500) reply.log.error(line, 'request completed');
    else if (route !== null && QUIET_ROUTES.has(route)) reply.log.debug(line, 'request completed');
    else reply.log.info(line, 'request completed');
  }
}
