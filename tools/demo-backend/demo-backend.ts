// A stand-in for the website backend: serves the `backend` half of shared/contract/internal-api.yaml (1.0)
// from in-memory fixtures, records every request, and can be told to fail, stall or answer garbage.
import { timingSafeEqual } from 'node:crypto';
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  cloneUser,
  defaultFixtures,
  remapFixtures,
  type DemoFixtures,
  type DemoInvoice,
  type DemoUser,
  type InvoiceInfo,
} from './fixtures';
import { BodyChecker, parseJsonObject, type ValidationIssue } from './validation';

export * from './fixtures';
export type { ValidationIssue } from './validation';

/** Secret used when none is given: `Authorization: Bearer demo-internal-secret`. */
export const DEMO_SECRET = 'demo-internal-secret';

/** The real paths the bot calls on BACKEND_INTERNAL_URL. */
export const BACKEND_PATHS = Object.freeze({
  health: '/internal/health',
  userInfo: '/internal/user/info',
  eventNotify: '/internal/event/notify',
  subscriptionInfo: '/internal/subscription/info',
  invoices: '/internal/subscription/invoices',
  refund: '/internal/subscription/refund',
  /** Contract 1.2, optional: offered only when asked for (entitledList), else 404 as a 1.0 backend answers. */
  entitled: '/internal/subscription/entitled',
} as const);
export type BackendPath = (typeof BACKEND_PATHS)[keyof typeof BACKEND_PATHS];

const METHOD_OF: Readonly<Record<BackendPath, 'GET' | 'POST'>> = {
  '/internal/health': 'GET',
  '/internal/user/info': 'POST',
  '/internal/event/notify': 'POST',
  '/internal/subscription/info': 'POST',
  '/internal/subscription/invoices': 'POST',
  '/internal/subscription/refund': 'POST',
  '/internal/subscription/entitled': 'POST',
};
/** The statuses whose subscription entitles a member to its plan (the bot's own rule). */
const ENTITLING = new Set(['active', 'trialing', 'past_due']);
const ALL_PATHS = Object.keys(METHOD_OF) as BackendPath[];

export const EVENT_TYPES = ['member_joined', 'member_left', 'role_updated', 'command_used', 'message_sent'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * How a 200 answer is spoiled:
 * - `missing-fields`: `{"success":true}` (`{"status":"healthy"}` on health), required fields missing;
 * - `wrong-types`: the real answer with every number and boolean turned into a string (`"amount":"9900"`);
 * - `not-json`: an HTML page; `empty`: no body at all.
 */
export type MalformedKind = 'missing-fields' | 'wrong-types' | 'not-json' | 'empty';
const MALFORMED_KINDS: readonly MalformedKind[] = ['missing-fields', 'wrong-types', 'not-json', 'empty'];

/**
 * One injected fault. Faults on a path are used in the order they were added; one with `times` is dropped
 * after that many calls, one without it stays until cleared. Auth is checked before any fault applies.
 */
export interface DemoFault {
  /** Answer this status instead (500 gives `{"detail":"Stripe error: ..."}`, 502 a proxy error, 401/403 the auth errors). */
  status?: number;
  /** JSON body to send instead of the default for `status` (or, without `status`, with a 200). */
  body?: unknown;
  /** `detail` text for a 5xx answer. */
  detail?: string;
  /** Answer 200 with a broken body. */
  malformed?: MalformedKind;
  /** Wait this long before answering (the work itself is done at once), to make the client time out. */
  latencyMs?: number;
  /** Close the connection instead of answering. */
  disconnect?: boolean;
  /** Apply to the next N calls only. */
  times?: number;
  /**
   * Whether the real work (e.g. the refund) still happens. Default: no when `status`/`body` replace the answer
   * (the backend failed first), yes otherwise (the work was done, the answer got slow, lost or mangled).
   */
  execute?: boolean;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: string;
  /** Lower-cased header names, as Node parses them. */
  headers: Record<string, string>;
  /** Parsed JSON body; undefined when there was none or it was not JSON. */
  body: unknown;
  rawBody: string;
  time: Date;
  idempotencyKey: string | null;
  /** Status answered; null when the connection was dropped on purpose, undefined while pending. */
  status?: number | null;
  /** Body answered (parsed JSON, or the raw text). */
  response?: unknown;
}

export interface DemoRefund {
  refund_id: string;
  discord_id: string;
  customer_id: string;
  invoice_id: string;
  amount: number;
  currency: string;
  reason: string | null;
  /** The `Idempotency-Key` header the request carried (the backend does not act on it). */
  idempotencyKey: string | null;
  time: Date;
}

export interface DemoEvent {
  event_type: EventType;
  discord_id: string;
  metadata: Record<string, unknown> | null;
  time: Date;
}

export interface DemoBackendOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Shared secret expected in `Authorization: Bearer <secret>`; default DEMO_SECRET. */
  secret?: string;
  /** Default: the demo users (`defaultFixtures()`). */
  fixtures?: DemoFixtures;
  /** Give fixture users other Discord ids, by name: `{ alice: '123456789012345678' }`. */
  ids?: Readonly<Record<string, string>>;
  /** Called with one line per request answered. */
  log?: (line: string) => void;
  /** Offer the 1.2 list of entitled members (`/internal/subscription/entitled`); default: 404, as a 1.0 backend. */
  entitledList?: boolean;
}

interface Reply {
  status: number;
  /** JSON body; ignored when `raw` is set. */
  body?: unknown;
  raw?: string;
  contentType?: string;
}

type FaultTarget = BackendPath | '*';

const MAX_BODY_BYTES = 1024 * 1024;

export class DemoBackend {
  private readonly server: Server;
  private readonly initial: DemoFixtures;
  private state = new Map<string, DemoUser>();
  private refunded = new Map<string, number>();
  private refundLog: DemoRefund[] = [];
  private eventLog: DemoEvent[] = [];
  private recorded: RecordedRequest[] = [];
  private faultQueue = new Map<FaultTarget, DemoFault[]>();
  private healthy = true;
  private refundSeq = 0;
  private readonly sleeps = new Set<{ timer: NodeJS.Timeout; done: () => void }>();
  private stopped = false;
  private boundPort = 0;
  private boundHost = '127.0.0.1';
  /** Whether `/internal/subscription/entitled` is offered (contract 1.2). */
  entitledList = false;

  private constructor(
    fixtures: DemoFixtures,
    readonly secret: string,
    private readonly log?: (line: string) => void,
  ) {
    this.initial = fixtures;
    this.server = createServer((req, res) => this.onRequest(req, res));
    this.reset();
  }

  /** Starts a demo backend on 127.0.0.1 (port 0 = a free one). */
  static async start(opts: DemoBackendOptions = {}): Promise<DemoBackend> {
    const secret = opts.secret ?? DEMO_SECRET;
    if (secret === '') throw new Error('DemoBackend: the secret must not be empty (the backend has no open mode)');
    const fixtures = remapFixtures(opts.fixtures ?? defaultFixtures(), opts.ids ?? {});
    const backend = new DemoBackend(fixtures, secret, opts.log);
    backend.entitledList = opts.entitledList ?? false;
    await backend.listen(opts.port ?? 0, opts.host ?? '127.0.0.1');
    return backend;
  }

  /** Base URL to use as BACKEND_INTERNAL_URL, e.g. `http://127.0.0.1:41234`. */
  get url(): string {
    const host = this.boundHost.includes(':') ? `[${this.boundHost}]` : this.boundHost;
    return `http://${host}:${this.boundPort}`;
  }

  get port(): number {
    return this.boundPort;
  }

  /** Closes the server and every open connection; pending delayed answers are dropped. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const sleep of this.sleeps) {
      clearTimeout(sleep.timer);
      sleep.done();
    }
    this.sleeps.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** Restores the fixtures given at start, and clears faults, refunds, events and recorded requests. */
  reset(): void {
    this.state = new Map(Object.values(this.initial).map((u) => [u.discordId, cloneUser(u)]));
    this.refunded = new Map();
    this.refundLog = [];
    this.eventLog = [];
    this.recorded = [];
    this.faultQueue = new Map();
    this.healthy = true;
    this.refundSeq = 0;
  }

  // ---------------------------------------------------------------- fixtures

  /** Current users (copies). */
  users(): DemoUser[] {
    return [...this.state.values()].map(cloneUser);
  }

  /** A user by name or Discord id (a copy), or undefined. */
  user(nameOrId: string): DemoUser | undefined {
    const found = this.find(nameOrId);
    return found ? cloneUser(found) : undefined;
  }

  /** The Discord id a fixture user has in this instance (after any remap). */
  idOf(name: string): string {
    const found = [...this.state.values()].find((u) => u.name === name);
    if (!found) throw new Error(`DemoBackend: no user named "${name}"`);
    return found.discordId;
  }

  /** Adds or replaces a user (matched by Discord id, then by name) until the next reset. */
  setUser(user: DemoUser): this {
    const sameName = [...this.state.values()].find((u) => u.name === user.name);
    if (sameName) this.state.delete(sameName.discordId);
    this.state.set(user.discordId, cloneUser(user));
    return this;
  }

  /** Removes a user (by name or Discord id) until the next reset. */
  removeUser(nameOrId: string): this {
    const found = this.find(nameOrId);
    if (found) this.state.delete(found.discordId);
    return this;
  }

  /** `GET /internal/health` answers `status: "unhealthy"` while false. */
  setHealthy(healthy: boolean): this {
    this.healthy = healthy;
    return this;
  }

  /** Minor units refunded so far on an invoice. */
  refundedAmount(invoiceId: string): number {
    return this.refunded.get(invoiceId) ?? 0;
  }

  /** Refunds issued, oldest first. */
  refunds(): DemoRefund[] {
    return [...this.refundLog];
  }

  /** Events received on /internal/event/notify, oldest first. */
  events(): DemoEvent[] {
    return [...this.eventLog];
  }

  // ------------------------------------------------------------------ faults

  /** Queues a fault on one path, or on every backend path with '*'. */
  addFault(path: FaultTarget, fault: DemoFault): this {
    if (path !== '*' && !ALL_PATHS.includes(path)) throw new Error(`DemoBackend: unknown backend path ${String(path)}`);
    if (fault.status !== undefined && (!Number.isInteger(fault.status) || fault.status < 200 || fault.status > 599)) {
      throw new Error('DemoBackend: fault.status must be an HTTP status from 200 to 599');
    }
    if (fault.latencyMs !== undefined && (typeof fault.latencyMs !== 'number' || !(fault.latencyMs >= 0))) {
      throw new Error('DemoBackend: fault.latencyMs must be a number of milliseconds');
    }
    if (fault.times !== undefined && (!Number.isInteger(fault.times) || fault.times < 1)) {
      throw new Error('DemoBackend: fault.times must be a positive integer');
    }
    if (fault.malformed !== undefined && !MALFORMED_KINDS.includes(fault.malformed)) {
      throw new Error(`DemoBackend: unknown malformed kind ${String(fault.malformed)}`);
    }
    const queue = this.faultQueue.get(path) ?? [];
    queue.push({ ...fault });
    this.faultQueue.set(path, queue);
    return this;
  }

  /** Answers `status` (e.g. 500 with `{"detail":"Stripe error: ..."}`, 502, 401, 403) on every call, or the next `times`. */
  failWith(path: FaultTarget, status: number, opts: { times?: number; detail?: string; body?: unknown } = {}): this {
    return this.addFault(path, { status, ...opts });
  }

  /** The next `count` calls fail with `status` (default 500), then the path works again. */
  failNext(path: FaultTarget, count: number, status = 500): this {
    return this.addFault(path, { status, times: count });
  }

  /** Answers `ms` late (the work is done at once). */
  delay(path: FaultTarget, ms: number, opts: { times?: number } = {}): this {
    return this.addFault(path, { latencyMs: ms, ...opts });
  }

  /** Answers 200 with a broken body. */
  malform(path: FaultTarget, kind: MalformedKind, opts: { times?: number; execute?: boolean } = {}): this {
    return this.addFault(path, { malformed: kind, ...opts });
  }

  /** Drops the connection without answering (the work is done unless `execute: false`). */
  disconnect(path: FaultTarget, opts: { times?: number; execute?: boolean } = {}): this {
    return this.addFault(path, { disconnect: true, ...opts });
  }

  /** Clears the faults of one path (or '*'), or all of them. */
  clearFaults(path?: FaultTarget): this {
    if (path === undefined) this.faultQueue.clear();
    else this.faultQueue.delete(path);
    return this;
  }

  /** Pending faults by path. */
  faults(): Record<string, DemoFault[]> {
    return Object.fromEntries([...this.faultQueue].map(([path, queue]) => [path, queue.map((f) => ({ ...f }))]));
  }

  // --------------------------------------------------------------- recording

  /** Every request received (except /_demo control calls), oldest first; optionally only those on `path`. */
  requests(path?: string): RecordedRequest[] {
    return this.recorded.filter((r) => path === undefined || r.path === path);
  }

  /** The latest request (on `path`), if any. */
  lastRequest(path?: string): RecordedRequest | undefined {
    return this.requests(path).at(-1);
  }

  clearRequests(): this {
    this.recorded = [];
    return this;
  }

  /** Resolves once `count` requests on `path` have been received; rejects after `timeoutMs`. */
  async waitForRequests(path: string, count = 1, timeoutMs = 2000): Promise<RecordedRequest[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.requests(path);
      if (found.length >= count) return found;
      if (Date.now() >= deadline || this.stopped) {
        throw new Error(`DemoBackend: ${found.length}/${count} request(s) on ${path} after ${timeoutMs} ms`);
      }
      await this.sleep(10);
    }
  }

  // ----------------------------------------------------------------- serving

  private async listen(port: number, host: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address() as AddressInfo;
    this.boundPort = address.port;
    this.boundHost = address.address;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    this.handle(req, res).catch((error: unknown) => {
      this.log?.(`demo-backend: ${req.method ?? '?'} ${req.url ?? '?'} failed: ${String(error)}`);
      if (!res.headersSent && !res.destroyed) send(res, { status: 500, body: { detail: 'Internal Server Error' } });
      else res.destroy();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://demo-backend.invalid');
    const raw = await readBody(req);
    if (raw === null) {
      send(res, { status: 413, body: { detail: 'Request body too large' } });
      return;
    }
    if (url.pathname.startsWith('/_demo/')) {
      send(res, this.control(req.method ?? 'GET', url, raw));
      return;
    }

    const headers = flattenHeaders(req);
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.search,
      headers,
      body: tryParseJson(raw),
      rawBody: raw,
      time: new Date(),
      idempotencyKey: headers['idempotency-key'] ?? null,
    };
    this.recorded.push(record);

    const { reply, fault } = this.answer(record);
    if (fault?.latencyMs !== undefined && fault.latencyMs > 0) await this.sleep(fault.latencyMs);

    if (fault?.disconnect) {
      record.status = null;
      req.socket.destroy();
      this.log?.(`${record.method} ${record.path} -> connection dropped (${Date.now() - started} ms)`);
      return;
    }
    record.status = reply.status;
    record.response = reply.raw ?? reply.body;
    if (!res.destroyed && !req.socket.destroyed) send(res, reply);
    this.log?.(`${record.method} ${record.path} -> ${reply.status} (${Date.now() - started} ms)`);
  }

  /** Auth, routing and faults for one backend request; runs the handler synchronously so refunds stay atomic. */
  private answer(record: RecordedRequest): { reply: Reply; fault?: DemoFault } {
    if (record.path === '/internal' || record.path.startsWith('/internal/')) {
      const denied = this.checkAuth(record.headers.authorization);
      if (denied) return { reply: denied };
    }
    const path = ALL_PATHS.find((p) => p === record.path && (p !== BACKEND_PATHS.entitled || this.entitledList));
    if (!path) return { reply: { status: 404, body: { detail: 'Not Found' } } };
    if (record.method !== METHOD_OF[path]) return { reply: { status: 405, body: { detail: 'Method Not Allowed' } } };

    const fault = this.takeFault(path);
    if (!fault) return { reply: this.route(path, record) };

    const replaces = fault.status !== undefined || fault.body !== undefined;
    const mustRun = !replaces && (fault.malformed === 'wrong-types' || (!fault.malformed && !fault.disconnect));
    const real = mustRun || (fault.execute ?? !replaces) ? this.route(path, record) : undefined;

    let reply: Reply;
    if (replaces) reply = faultReply(path, fault);
    else if (fault.malformed) reply = malformedReply(path, fault.malformed, real);
    else reply = real ?? { status: 200, body: null };
    return { reply, fault };
  }

  private takeFault(path: BackendPath): DemoFault | undefined {
    for (const target of [path, '*'] as const) {
      const queue = this.faultQueue.get(target);
      const fault = queue?.[0];
      if (!queue || !fault) continue;
      if (fault.times !== undefined) {
        fault.times -= 1;
        if (fault.times <= 0) queue.shift();
        if (queue.length === 0) this.faultQueue.delete(target);
      }
      return { ...fault };
    }
    return undefined;
  }

  private checkAuth(header: string | undefined): Reply | null {
    if (header === undefined || header === '') {
      return { status: 401, body: { error: 'Missing Authorization header' } };
    }
    if (!header.startsWith('Bearer ') || header.length === 'Bearer '.length) {
      return { status: 401, body: { error: 'Invalid Authorization format' } };
    }
    const given = Buffer.from(header.slice('Bearer '.length));
    const expected = Buffer.from(this.secret);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { status: 403, body: { error: 'Invalid internal API secret' } };
    }
    return null;
  }

  private route(path: BackendPath, record: RecordedRequest): Reply {
    if (path === '/internal/health') {
      return {
        status: 200,
        body: { status: this.healthy ? 'healthy' : 'unhealthy', service: 'website-backend', version: '1.0.0' },
      };
    }
    const parsed = parseJsonObject(record.rawBody);
    if (!parsed.ok) return unprocessable(parsed.detail);
    const check = new BodyChecker(parsed.value);
    switch (path) {
      case '/internal/user/info': {
        const discordId = check.snowflake('discord_id');
        return check.issues.length ? unprocessable(check.issues) : ok(this.userInfo(discordId));
      }
      case '/internal/event/notify': {
        const eventType = check.oneOf('event_type', EVENT_TYPES);
        const discordId = check.snowflake('discord_id');
        const metadata = check.optionalObject('metadata');
        if (check.issues.length || !eventType) return unprocessable(check.issues);
        this.eventLog.push({ event_type: eventType, discord_id: discordId, metadata, time: record.time });
        return ok({ success: true, message: `Event ${eventType} processed successfully`, event_received: true });
      }
      case '/internal/subscription/info': {
        const discordId = check.snowflake('discord_id');
        return check.issues.length ? unprocessable(check.issues) : ok(this.subscriptionInfo(discordId));
      }
      case '/internal/subscription/invoices': {
        const discordId = check.snowflake('discord_id');
        const limit = check.integer('limit', { min: 1, max: 100, fallback: 10 });
        if (check.issues.length || limit === null) return unprocessable(check.issues);
        return ok(this.invoices(discordId, limit));
      }
      case '/internal/subscription/entitled': {
        const cursor = check.optionalString('cursor');
        const limit = check.integer('limit', { min: 1, max: 1000, fallback: 1000 });
        if (check.issues.length || limit === null) return unprocessable(check.issues);
        return ok(this.entitled(cursor, limit));
      }
      case '/internal/subscription/refund': {
        const discordId = check.snowflake('discord_id');
        const amount = check.integer('amount', { min: 1, fallback: null, nullable: true });
        const reason = check.optionalString('reason');
        if (check.issues.length) return unprocessable(check.issues);
        return ok(this.refund(discordId, amount, reason, record));
      }
    }
  }

  private userInfo(discordId: string): Record<string, unknown> {
    const user = this.state.get(discordId);
    if (!user) {
      return {
        success: false,
        message: 'User not found',
        user_found: false,
        discord_id: null,
        email: null,
        created_at: null,
        updated_at: null,
      };
    }
    return {
      success: true,
      message: 'User found',
      user_found: true,
      discord_id: user.discordId,
      email: user.email,
      created_at: user.createdAt,
      updated_at: user.updatedAt,
    };
  }

  private subscriptionInfo(discordId: string): Record<string, unknown> {
    const user = this.state.get(discordId);
    if (!user?.customerId || !user.subscription) {
      return { success: true, message: 'No active subscription', has_subscription: false, subscription: null };
    }
    return { success: true, message: 'Subscription found', has_subscription: true, subscription: user.subscription };
  }

  /** One page of the members with an entitling subscription, in id order; the cursor is the last id given. */
  private entitled(cursor: string | null, limit: number): Record<string, unknown> {
    const ids = [...this.state.values()]
      .filter((u) => u.customerId && u.subscription && ENTITLING.has(u.subscription.status))
      .map((u) => u.discordId)
      .sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0))
      .filter((id) => cursor === null || id.length > cursor.length || (id.length === cursor.length && id > cursor));
    const page = ids.slice(0, limit);
    return { discord_ids: page, next_cursor: ids.length > limit ? page[page.length - 1] : null };
  }

  private invoices(discordId: string, limit: number): Record<string, unknown> {
    const user = this.state.get(discordId);
    if (!user?.customerId) return { success: true, message: 'No customer found', invoices: [] };
    const invoices = newestFirst(user.invoices).slice(0, limit).map(toInvoiceInfo);
    return { success: true, message: `Found ${invoices.length} invoice(s)`, invoices };
  }

  private refund(
    discordId: string,
    amount: number | null,
    reason: string | null,
    record: RecordedRequest,
  ): Record<string, unknown> {
    const failed = (message: string) => ({
      success: false,
      message,
      refunded: false,
      refund_id: null,
      amount_refunded: null,
    });
    const user = this.state.get(discordId);
    if (!user?.customerId) return failed('No customer found for this Discord ID');
    const invoice = newestFirst(user.invoices).find((i) => i.status === 'paid');
    if (!invoice) return failed('No paid invoice found to refund');
    if (invoice.payment_intent === null) return failed('No payment intent found for this invoice');

    const remaining = invoice.amount - this.refundedAmount(invoice.invoice_id);
    if (remaining <= 0) return failed(`Charge for invoice ${invoice.invoice_id} has already been refunded`);
    if (amount !== null && amount > remaining) {
      return failed(`Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`);
    }
    const refundAmount = amount ?? remaining;
    this.refundSeq += 1;
    const refundId = `re_1Demo${String(this.refundSeq).padStart(10, '0')}`;
    this.refunded.set(invoice.invoice_id, this.refundedAmount(invoice.invoice_id) + refundAmount);
    this.refundLog.push({
      refund_id: refundId,
      discord_id: discordId,
      customer_id: user.customerId,
      invoice_id: invoice.invoice_id,
      amount: refundAmount,
      currency: invoice.currency,
      reason,
      idempotencyKey: record.idempotencyKey,
      time: record.time,
    });
    return {
      success: true,
      message: 'Refund processed successfully',
      refunded: true,
      refund_id: refundId,
      amount_refunded: refundAmount,
    };
  }

  // ------------------------------------------------------------ control API

  /** `/_demo/*`: drives the faults and reads the records from another process. Open (loopback only). */
  private control(method: string, url: URL, raw: string): Reply {
    const route = `${method} ${url.pathname}`;
    try {
      switch (route) {
        case 'GET /_demo/faults':
          return ok(this.faults());
        case 'POST /_demo/faults': {
          const body = tryParseJson(raw);
          if (!isObject(body)) return { status: 400, body: { error: 'expected a JSON object' } };
          const { path, clear, ...fault } = body;
          if (path !== undefined && typeof path !== 'string')
            return { status: 400, body: { error: 'path must be a string' } };
          if (clear === true) this.clearFaults(path as FaultTarget | undefined);
          else if (path === undefined) return { status: 400, body: { error: 'path is required' } };
          else this.addFault(path as FaultTarget, faultFromJson(fault));
          return ok({ ok: true, faults: this.faults() });
        }
        case 'POST /_demo/reset':
          this.reset();
          return ok({ ok: true });
        case 'POST /_demo/health': {
          const body = tryParseJson(raw);
          this.setHealthy(!(isObject(body) && body.healthy === false));
          return ok({ ok: true, healthy: this.healthy });
        }
        case 'GET /_demo/requests':
          return ok(this.requests(url.searchParams.get('path') ?? undefined));
        case 'DELETE /_demo/requests':
          this.clearRequests();
          return ok({ ok: true });
        case 'GET /_demo/refunds':
          return ok(this.refunds());
        case 'GET /_demo/events':
          return ok(this.events());
        case 'GET /_demo/users':
          return ok(this.users());
        default:
          return { status: 404, body: { error: `no control route ${route}` } };
      }
    } catch (error) {
      return { status: 400, body: { error: error instanceof Error ? error.message : String(error) } };
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.sleeps.delete(entry);
          resolve();
        }, ms),
        done: resolve,
      };
      this.sleeps.add(entry);
    });
  }

  private find(nameOrId: string): DemoUser | undefined {
    return this.state.get(nameOrId) ?? [...this.state.values()].find((u) => u.name === nameOrId);
  }
}

// ------------------------------------------------------------------ helpers

const FAULT_FIELDS: Readonly<Record<keyof DemoFault, string>> = {
  status: 'number',
  body: 'any',
  detail: 'string',
  malformed: 'string',
  latencyMs: 'number',
  disconnect: 'boolean',
  times: 'number',
  execute: 'boolean',
};

/** A fault sent to POST /_demo/faults; unknown fields and wrong types are refused rather than ignored. */
function faultFromJson(json: Record<string, unknown>): DemoFault {
  for (const [key, value] of Object.entries(json)) {
    const expected = (FAULT_FIELDS as Record<string, string | undefined>)[key];
    if (expected === undefined) throw new Error(`unknown fault field "${key}"`);
    if (expected !== 'any' && typeof value !== expected) throw new Error(`fault field "${key}" must be a ${expected}`);
  }
  return json;
}

function ok(body: unknown): Reply {
  return { status: 200, body };
}

function unprocessable(detail: ValidationIssue[]): Reply {
  return { status: 422, body: { detail } };
}

function newestFirst(invoices: readonly DemoInvoice[]): DemoInvoice[] {
  return [...invoices].sort((a, b) => Date.parse(b.created) - Date.parse(a.created));
}

function toInvoiceInfo(invoice: DemoInvoice): InvoiceInfo {
  const { invoice_id, amount, currency, status, created, invoice_pdf } = invoice;
  return { invoice_id, amount, currency, status, created, invoice_pdf };
}

const DEFAULT_500_DETAIL: Readonly<Record<BackendPath, string>> = {
  '/internal/health': 'Internal Server Error',
  '/internal/user/info': 'Database connection error',
  '/internal/event/notify': 'Failed to process event',
  '/internal/subscription/info': 'Stripe error: (demo) the payment provider is unavailable',
  '/internal/subscription/invoices': 'Stripe error: (demo) the payment provider is unavailable',
  '/internal/subscription/refund': 'Stripe error: (demo) the payment provider is unavailable',
  '/internal/subscription/entitled': 'Database connection error',
};

function faultReply(path: BackendPath, fault: DemoFault): Reply {
  const status = fault.status ?? 200;
  if (fault.body !== undefined) return { status, body: fault.body };
  switch (status) {
    case 401:
      return { status, body: { error: 'Missing Authorization header' } };
    case 403:
      return { status, body: { error: 'Invalid internal API secret' } };
    case 500:
      return { status, body: { detail: fault.detail ?? DEFAULT_500_DETAIL[path] } };
    case 502:
    case 503:
    case 504:
      // What the platform's edge proxy answers when the backend is down or too slow.
      return {
        status,
        body: {
          status: 'error',
          code: status,
          message: fault.detail ?? 'Application failed to respond',
          request_id: 'demo',
        },
      };
    default:
      return { status, body: { detail: fault.detail ?? STATUS_CODES[status] ?? 'Error' } };
  }
}

function malformedReply(path: BackendPath, kind: MalformedKind, real: Reply | undefined): Reply {
  switch (kind) {
    case 'missing-fields':
      return ok(path === '/internal/health' ? { status: 'healthy' } : { success: true });
    case 'wrong-types':
      return { status: 200, body: stringifyScalars(real?.body) };
    case 'not-json':
      return { status: 200, raw: '<html><body><h1>It works!</h1></body></html>', contentType: 'text/html' };
    case 'empty':
      return { status: 200, raw: '' };
  }
}

/** Turns every number and boolean into a string: `{"amount":9900}` becomes `{"amount":"9900"}`. */
function stringifyScalars(value: unknown): unknown {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(stringifyScalars);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stringifyScalars(v)]));
  return value;
}

function send(res: ServerResponse, reply: Reply): void {
  const text = reply.raw ?? JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type': reply.contentType ?? 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function tryParseJson(raw: string): unknown {
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
