/**
 * Errors that mean the store cannot be used right now, rather than a bug: the database is unreachable, lost
 * the connection, did not answer in time, is shutting down or out of resources; SQLite's disk is full or
 * failing. Requests that meet one are answered 503 `{"error":"storage unavailable"}` (nothing was stored), and
 * workers back off; when the store comes back, everything goes on by itself.
 */
export function isStorageUnavailable(error: unknown): boolean {
  // Read by shape, not instanceof: Node's own errors come from another realm under a test runner.
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof message !== 'string') return false;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code)) return true;
    // PostgreSQL: connection exceptions (08), resources (53: disk full, out of memory, too many connections),
    // shutdown and statement timeouts (57), system errors (58: I/O).
    if (/^(08|53|57|58)[0-9A-Z]{3}$/.test(code)) return true;
    // SQLite: disk full, I/O errors, a file it cannot open or write, a lock held past busy_timeout.
    if (/^SQLITE_(FULL|IOERR|CANTOPEN|READONLY|BUSY|NOMEM|PROTOCOL)/.test(code)) return true;
  }
  return UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message));
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** What node-postgres and Kysely say when there is no usable connection (they set no code). */
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/,
  /timeout exceeded when trying to connect/,
  /^Query read timeout$/,
  /Client has encountered a connection error and is not queryable/,
  /^Client was closed and is not queryable$/,
];
