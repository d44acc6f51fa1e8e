// HTTP + WebSocket front of the simulator: /api/v10 (Discord REST), /_sim (control API), anything else
// upgrading to a WebSocket is the gateway.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleControl } from './control';
import { ApiError, Errors } from './errors';
import { parseJsonExact } from './json';
import { majorParameter, matchRoute } from './rest';
import type { Simulator } from './sim';
import type { RecordedRequest } from './types';

const API_PREFIX = '/api/v10';

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (status === 204 || body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface ParsedBody {
  kind: RecordedRequest['bodyKind'];
  body: unknown;
  files: RecordedRequest['files'];
}

async function parseBody(req: http.IncomingMessage, raw: Buffer): Promise<ParsedBody> {
  if (raw.length === 0) return { kind: 'none', body: undefined, files: [] };
  const ct = req.headers['content-type'] ?? '';
  if (ct.startsWith('application/json')) {
    try {
      return { kind: 'json', body: parseJsonExact(raw.toString('utf8')), files: [] };
    } catch {
      throw Errors.invalidJson();
    }
  }
  if (ct.startsWith('multipart/form-data')) {
    const form = await new Response(raw, { headers: { 'content-type': ct } }).formData();
    const files: RecordedRequest['files'] = [];
    let body: unknown = {};
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') {
        if (field === 'payload_json') {
          try {
            body = parseJsonExact(value);
          } catch {
            throw Errors.invalidJson();
          }
        }
      } else {
        files.push({ field, filename: value.name || null, size: value.size, contentType: value.type || null });
      }
    }
    return { kind: 'multipart', body, files };
  }
  return { kind: 'other', body: raw.toString('utf8'), files: [] };
}

function headerRecord(req: http.IncomingMessage, token: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    const value = Array.isArray(v) ? v.join(', ') : v;
    out[k] = k === 'authorization' ? value.split(token).join('***') : value;
  }
  return out;
}

async function handleApi(sim: Simulator, req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
  const started = Date.now();
  const method = (req.method ?? 'GET').toUpperCase();
  const raw = await readBody(req);
  const inApi = url.pathname === API_PREFIX || url.pathname.startsWith(API_PREFIX + '/');
  const path = inApi ? url.pathname.slice(API_PREFIX.length) || '/' : url.pathname;
  const auth = req.headers.authorization;
  const authPresent = typeof auth === 'string' && auth.length > 0;
  const rec: RecordedRequest = {
    seq: sim.nextSeq(),
    at: started,
    method,
    route: null,
    path,
    query: Object.fromEntries(url.searchParams.entries()),
    headers: headerRecord(req, sim.token),
    authPresent,
    bodyKind: 'none',
    body: undefined,
    files: [],
    status: 0,
    errorCode: null,
    error: null,
    durationMs: 0,
  };
  sim.arrive(rec);
  let status = 200;
  let body: unknown;
  let headers: Record<string, string> = {};
  try {
    // an unparsable body is reported after the route, auth and rate-limit checks, as Discord does
    let bodyError: ApiError | null = null;
    try {
      const parsed = await parseBody(req, raw);
      rec.bodyKind = parsed.kind;
      rec.body = parsed.body;
      rec.files = parsed.files;
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      rec.bodyKind = 'other';
      rec.body = raw.toString('utf8');
      bodyError = e;
    }
    const { match, methodMismatch } = inApi ? matchRoute(method, path) : { match: null, methodMismatch: false };
    if (!match) {
      rec.note = inApi ? sim.routeIndex?.describe(method, path) : 'outside /api/v10';
      process.stderr.write(
        `[discord-sim] unknown route: ${method} ${url.pathname}${url.search}${rec.note ? ` (${rec.note})` : ''}\n`,
      );
      throw methodMismatch ? Errors.methodNotAllowed() : Errors.notFound();
    }
    const { def, params } = match;
    rec.route = def.template;
    if (def.auth && auth !== `Bot ${sim.token}`) throw Errors.unauthorized();
    const rl = sim.rateLimiter.check(method, def.template, path, majorParameter(params), def.auth);
    headers = rl.headers;
    if (rl.limited) {
      throw new ApiError(429, 0, 'You are being rate limited.', undefined, rl.headers);
    }
    const fault = sim.take5xx(method, path);
    if (fault !== null) throw new ApiError(fault, 0, `${fault}: ${http.STATUS_CODES[fault] ?? 'Server Error'}`);
    if (bodyError) throw bodyError;
    if (def.schema) {
      const errors = sim.validator.validate(def.schema, rec.body);
      if (errors) throw Errors.invalidFormBody(errors);
    }
    const result = await def.handle({
      files: rec.files,
      sim,
      method,
      path,
      params,
      query: url.searchParams,
      body: rec.body,
      authPresent,
    });
    status = result.status;
    body = result.body;
  } catch (e) {
    if (e instanceof ApiError) {
      status = e.status;
      if (status === 429) {
        const global = e.headers['X-RateLimit-Global'] === 'true';
        body = { message: e.message, retry_after: Number(e.headers['Retry-After']), global };
      } else {
        body = e.body();
      }
      headers = { ...headers, ...e.headers };
      rec.errorCode = e.code;
      rec.error = body;
    } else {
      status = 500;
      const msg = e instanceof Error ? (e.stack ?? e.message) : String(e);
      process.stderr.write(`[discord-sim] internal error on ${method} ${path}: ${msg}\n`);
      body = { message: '500: Internal Server Error', code: 0 };
      rec.error = msg;
    }
  }
  const latency = rec.route ? sim.latencyFor(method, path) : 0;
  if (latency > 0) await sleep(latency);
  rec.status = status;
  rec.durationMs = Date.now() - started;
  sim.record(rec);
  send(res, status, body, headers);
}

export function createServer(sim: Simulator): http.Server {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const run = url.pathname.startsWith('/_sim/')
      ? handleControl(sim, req, res, url, readBody, send)
      : handleApi(sim, req, res, url);
    run.catch((e: unknown) => {
      process.stderr.write(
        `[discord-sim] request failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
      );
      if (!res.headersSent) send(res, 500, { message: '500: Internal Server Error', code: 0 });
      else res.end();
    });
  });
  server.on('upgrade', (req, socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith('/api') || url.pathname.startsWith('/_sim')) {
      socket.destroy();
      return;
    }
    sim.gateway.handleUpgrade(req, socket, head);
  });
  server.keepAliveTimeout = 5000;
  return server;
}

export function listen(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}
