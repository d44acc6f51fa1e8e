import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyHttpOptions, FastifyInstance } from 'fastify';
import { authorizationRefusal } from '../guards/internal-api.guard';

/**
 * How long a client may take to send its headers, and its whole request. The backend sends at most 64 KiB
 * on a private network and gives up after 10 s itself: a request still arriving after this is a client
 * holding a connection open (one byte per second), and it is cut off.
 */
export const HEADERS_TIMEOUT_MS = 4_000;
export const REQUEST_TIMEOUT_MS = 5_000;
/** A connection with nothing moving on it for this long is closed. */
const CONNECTION_TIMEOUT_MS = 30_000;
/** How often Node looks for requests past their timeouts (its default, 30 s, would let them run that much longer). */
const TIMEOUT_CHECK_INTERVAL_MS = 500;

/** Node's default header limit, named for the answer. */
const MAX_HEADER_BYTES = 16 * 1024;

/** The contract's `{error}` words for what Node refuses before Fastify sees a request. */
const CLIENT_ERRORS: Record<string, { status: number; error: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, error: 'Request not received in time' },
  HPE_HEADER_OVERFLOW: { status: 431, error: `Request headers are larger than ${MAX_HEADER_BYTES / 1024} KiB` },
};
const MALFORMED = { status: 400, error: 'Malformed HTTP request' };

/**
 * Fastify's `clientErrorHandler`: a request Node refuses while parsing it (too slow, headers too large, not
 * HTTP) gets the contract's `{error}` shape instead of Fastify's own body, then the connection is closed.
 */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, error: text } = CLIENT_ERRORS[error.code ?? ''] ?? MALFORMED;
  const body = JSON.stringify({ error: text });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/** The Fastify server options for the timeouts and refusals above. */
export const HTTP_LIMITS: Pick<
  FastifyHttpOptions<Server>,
  'connectionTimeout' | 'requestTimeout' | 'keepAliveTimeout' | 'http' | 'clientErrorHandler'
> = {
  connectionTimeout: CONNECTION_TIMEOUT_MS,
  requestTimeout: REQUEST_TIMEOUT_MS,
  // Below the connection timeout, so an idle keep-alive connection is closed by the server that said it would.
  keepAliveTimeout: 5_000,
  http: {
    headersTimeout: HEADERS_TIMEOUT_MS,
    connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
    // Node's own refusal has an empty body: checked in answerProtocolRules instead, in the contract's shape.
    requireHostHeader: false,
  },
  clientErrorHandler: answerClientError,
};

/** Writes a JSON `{error}` answer on a raw Node response and closes the connection. */
function refuseRaw(res: ServerResponse, status: number, error: string): void {
  const body = JSON.stringify({ error });
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  });
  res.end(body);
}

/**
 * What Node answers on its own, in the contract's shape: HTTP/1.1 without Host (400), an `Expect` it does not
 * know (417), and `Expect: 100-continue`, which Node would grant before anyone looked at the request: an
 * /internal request without the right secret gets its 401 or 403 instead of `100 Continue`.
 */
export function answerProtocolRules(fastify: FastifyInstance, secret: string): void {
  const server = fastify.server;
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    const refusal = req.url?.startsWith('/internal/')
      ? authorizationRefusal(req.headers.authorization, secret)
      : undefined;
    if (refusal) return refuseRaw(res, refusal.status, refusal.error);
    res.writeContinue();
    server.emit('request', req, res);
  });
  server.on('checkExpectation', (_req: IncomingMessage, res: ServerResponse) =>
    refuseRaw(res, 417, 'Expectation not supported: only Expect: 100-continue is'),
  );
  fastify.addHook('onRequest', (request, reply, done) => {
    if (request.raw.httpVersion !== '1.1' || request.headers.host) return done();
    void reply.code(400).header('connection', 'close').send({ error: 'HTTP/1.1 requests must carry a Host header' });
  });
}

/**
 * Checks the Authorization header of every /internal route as soon as the headers are in, before the body
 * is read: a caller without the secret is refused without buffering anything, and the connection is closed
 * so it cannot keep sending. The guard (InternalApiGuard) checks it again with the signature.
 */
export function refuseUnauthenticatedEarly(fastify: FastifyInstance, secret: string): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!request.routeOptions.url?.startsWith('/internal/')) return done();
    const refusal = authorizationRefusal(request.headers.authorization, secret);
    if (!refusal) return done();
    void reply.code(refusal.status).header('connection', 'close').send({ error: refusal.error });
  });
}
