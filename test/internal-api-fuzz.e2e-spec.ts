import { createHmac } from 'node:crypto';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { MAX_MINOR_AMOUNT } from '../src/common/validation/minor-amount.decorator';
import { NOTIFY_ACTIONS } from '../src/dm/dm-kinds';
import { DatabaseService } from '../src/storage/database.service';
import { describeEachDatabase } from './support/databases';
import { TEST_SECRET, useHarness, type Harness } from './support/e2e-harness';
import { storeRows } from './support/store-rows';
import { anyCurrency, fuzzParameters, FUZZ_TIMEOUT_MS, oddText } from './support/fuzz';

/** Log lines, checked for secrets as they are written (kept only as a count, so a long run stays small). */
class SecretWatch extends Writable {
  leaks: string[] = [];
  lines = 0;
  secrets: string[] = [];

  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    const text = chunk.toString('utf8');
    this.lines += text.split('\n').length - 1;
    for (const secret of this.secrets) if (text.includes(secret)) this.leaks.push(text.slice(0, 300));
    done();
  }
}

type Json = unknown;
const anyJson: fc.Arbitrary<Json> = fc.jsonValue({ maxDepth: 40 });
/** A field of a body: mostly a plausible value, else any JSON value, odd text or nothing. */
const field = <T>(plausible: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 30, arbitrary: plausible }, anyJson, oddText(300), fc.constant(undefined));

/**
 * The service under arbitrary input on every POST route: arbitrary JSON values, bodies near the contract's,
 * arbitrary bytes and headers. It answers only 2xx and 4xx, in the contract's shapes; a refused request
 * stores nothing; it stays up; no secret reaches its logs. 300 cases per route and database in `npm test`,
 * FUZZ_RUNS in `npm run fuzz`.
 */
describeEachDatabase('internal API under arbitrary input, on $name', ({ name: database }) => {
  let h: Harness;
  const logs = new SecretWatch();
  useHarness((harness) => (h = harness), { database, logDestination: logs, env: { LOG_LEVEL: 'debug' } });

  beforeAll(() => {
    logs.secrets = [TEST_SECRET, h.sim.token];
  });
  afterAll(() => {
    expect(logs.leaks).toEqual([]);
    expect(logs.lines).toBeGreaterThan(0);
  });

  const user = () =>
    fc.oneof(
      fc.constantFrom('alice', 'bob', 'carol', 'dave', 'erin', 'frank').map((name) => h.sim.userId(name)),
      fc.stringMatching(/^[1-9][0-9]{16,19}$/),
    );
  const amount = fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: 1, max: 10_000_000 }) },
    fc.integer({ min: -10, max: MAX_MINOR_AMOUNT + 10 }),
    fc.double(),
    fc.constantFrom(0, MAX_MINOR_AMOUNT, 2 ** 53 + 2, 2 ** 63),
  );
  /** Free text: mostly ordinary, sometimes odd (longer than allowed, controls, overrides, ...). */
  const text = (max: number) =>
    fc.oneof({ weight: 3, arbitrary: fc.string({ minLength: 1, maxLength: 30 }) }, oddText(max));
  // Plans are own keys of PLAN_ROLES, matched case-insensitively: Object.prototype's names are unknown plans.
  const plan = fc.oneof(
    fc.constantFrom('moddy_max', 'Moddy_Max', 'free', 'constructor', '__proto__', 'toString', 'hasOwnProperty'),
    text(66),
  );
  const bodies: Record<string, () => fc.Arbitrary<Record<string, unknown>>> = {
    '/internal/notify': () =>
      fc.record(
        {
          discord_id: field(user()),
          action: field(fc.constantFrom(...NOTIFY_ACTIONS)),
          plan: field(fc.oneof(plan, fc.constant(null))),
          metadata: field(
            fc.record(
              {
                subscription_id: field(text(40)),
                amount: field(amount),
                currency: field(anyCurrency),
                subscription_type: field(fc.constantFrom('monthly', 'yearly')),
                current_period_end: field(fc.date({ noInvalidDate: true }).map((d) => d.toISOString())),
                message: field(text(2000)),
                email: field(fc.emailAddress()),
              },
              { requiredKeys: [] },
            ),
          ),
        },
        { requiredKeys: [] },
      ),
    '/internal/roles/update': () =>
      fc.record(
        {
          discord_id: field(user()),
          plan: field(plan),
          add_roles: field(fc.option(fc.array(fc.constantFrom(h.sim.world.roles.premium, '123456789012345678')))),
          remove_roles: field(fc.option(fc.array(fc.constantFrom(h.sim.world.roles.premium)))),
          guild_id: field(fc.constantFrom(h.sim.world.guildId, '123456789012345678')),
        },
        { requiredKeys: [] },
      ),
    '/internal/subscription/refresh': () => fc.record({ discord_id: field(user()) }, { requiredKeys: [] }),
    '/internal/invoices/notify': () =>
      fc.record(
        {
          discord_id: field(user()),
          event: field(fc.constantFrom('invoice_paid', 'payment_failed')),
          invoice: field(
            fc.record(
              {
                invoice_id: field(text(260)),
                amount: field(amount),
                currency: field(anyCurrency),
                status: field(fc.constantFrom('paid', 'open')),
                created: field(fc.date({ noInvalidDate: true }).map((d) => d.toISOString())),
                invoice_pdf: field(fc.webUrl({ validSchemes: ['https'] })),
              },
              { requiredKeys: [] },
            ),
          ),
        },
        { requiredKeys: [] },
      ),
    '/internal/refunds/notify': () =>
      fc.record(
        {
          discord_id: field(user()),
          refund_id: field(text(260)),
          amount: field(amount),
          currency: field(anyCurrency),
          reason: field(text(520)),
        },
        { requiredKeys: [] },
      ),
  };

  /** The raw bytes sent: a near-contract body, any JSON value, any bytes, too deep, or too big. */
  const payload = (route: string): fc.Arbitrary<Buffer> =>
    fc.oneof(
      { weight: 10, arbitrary: bodies[route]().map((b) => Buffer.from(JSON.stringify(b))) },
      { weight: 2, arbitrary: anyJson.map((v) => Buffer.from(JSON.stringify(v) ?? 'null')) },
      { weight: 2, arbitrary: fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b)) },
      fc.integer({ min: 30, max: 2000 }).map((n) => Buffer.from(`${'['.repeat(n)}${']'.repeat(n)}`)),
      fc.constant(Buffer.from(JSON.stringify({ pad: 'x'.repeat(70 * 1024) }))),
    );

  const visible = fc.string({
    unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
    minLength: 8,
    maxLength: 40,
  });
  const headerValue = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) });
  /** Mostly what the backend sends, so that most cases reach the validation and the handlers. */
  const usually = <T>(good: fc.Arbitrary<T>, ...odd: fc.Arbitrary<T | undefined>[]) =>
    fc.oneof({ weight: 10 * odd.length, arbitrary: good }, ...odd);
  const headers = fc.record(
    {
      authorization: usually(
        fc.constantFrom(`Bearer ${TEST_SECRET}`, `bearer ${TEST_SECRET}`),
        fc.constantFrom('Bearer wrong', 'Basic abc', `Bearer ${TEST_SECRET}x`, '', undefined),
        headerValue,
      ),
      contentType: usually(
        fc.constantFrom('application/json', 'application/json; charset=utf-8'),
        fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/xml', undefined),
        headerValue,
      ),
      idempotencyKey: fc.oneof({ weight: 4, arbitrary: visible }, headerValue, fc.constant('k'.repeat(300))),
      signature: usually(fc.constant('valid'), fc.constant('stale'), fc.constant('garbage')),
      requestId: headerValue,
      extra: fc.dictionary(fc.stringMatching(/^x-[a-z]{1,12}$/), headerValue, { maxKeys: 3 }),
    },
    { requiredKeys: ['authorization', 'contentType'] },
  );

  type HeaderChoice = typeof headers extends fc.Arbitrary<infer T> ? T : never;

  function headersFor(given: HeaderChoice, body: Buffer): Record<string, string> {
    const out: Record<string, string> = { ...given.extra };
    if (given.authorization !== undefined) out.authorization = given.authorization;
    if (given.contentType !== undefined) out['content-type'] = given.contentType;
    if (given.idempotencyKey !== undefined) out['idempotency-key'] = given.idempotencyKey;
    if (given.requestId !== undefined) out['x-request-id'] = given.requestId;
    if (given.signature !== undefined) {
      const timestamp = Math.floor(Date.now() / 1000) - (given.signature === 'stale' ? 400 : 0);
      const mac = createHmac('sha256', TEST_SECRET).update(`${timestamp}.`).update(body).digest('hex');
      out['x-moddy-timestamp'] = String(timestamp);
      out['x-moddy-signature'] = given.signature === 'garbage' ? 'sha256=00' : `sha256=${mac}`;
    }
    return out;
  }

  const isErrorShape = (b: unknown) =>
    typeof b === 'object' &&
    b !== null &&
    Object.keys(b).join() === 'error' &&
    typeof (b as { error: unknown }).error === 'string';
  const isDetailShape = (b: unknown) => {
    const detail = (b as { detail?: unknown } | null)?.detail;
    return (
      Array.isArray(detail) &&
      detail.length > 0 &&
      detail.every(
        (d: { loc?: unknown; msg?: unknown; type?: unknown }) =>
          Array.isArray(d.loc) && typeof d.msg === 'string' && typeof d.type === 'string',
      )
    );
  };
  const isSuccessShape = (route: string, b: unknown) => {
    const o = b as Record<string, unknown>;
    if (typeof o?.success !== 'boolean' || typeof o.message !== 'string') return false;
    if (route === '/internal/subscription/refresh') return o.premium === undefined || typeof o.premium === 'boolean';
    if (route === '/internal/roles/update') return typeof o.roles_updated === 'boolean';
    return typeof o.notification_sent === 'boolean';
  };

  it.each(Object.keys(bodies))(
    'should answer %s with 2xx or 4xx in the contract shapes, and store nothing when it refuses',
    async (route) => {
      const store = h.app.get(DatabaseService);
      await fc.assert(
        fc.asyncProperty(payload(route), headers, async (body, given) => {
          const before = JSON.stringify(await storeRows(store));
          const res = await fetch(`${h.url}${route}`, { method: 'POST', headers: headersFor(given, body), body });
          const text = await res.text();
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            throw new Error(`${res.status} answered with a body that is not JSON: ${text.slice(0, 200)}`);
          }
          if (res.status === 200) {
            if (!isSuccessShape(route, parsed)) throw new Error(`200 with ${text.slice(0, 300)}`);
            return;
          }
          if (![400, 401, 403, 409, 413, 415, 422].includes(res.status)) {
            throw new Error(`${res.status}: ${text.slice(0, 300)}`);
          }
          const shaped = res.status === 422 ? isDetailShape(parsed) : isErrorShape(parsed);
          if (!shaped) throw new Error(`${res.status} not in the contract's shape: ${text.slice(0, 300)}`);
          const after = JSON.stringify(await storeRows(store));
          if (after !== before) throw new Error(`a ${res.status} changed the store: ${before} -> ${after}`);
        }),
        fuzzParameters(`${database} ${route}`),
      );
      expect((await fetch(`${h.url}/health/live`)).status).toBe(200);
    },
    FUZZ_TIMEOUT_MS,
  );
});
