import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { parse } from 'yaml';
import { InvoiceNotifyRequest, NotifiedInvoice } from '../src/invoices/dto/invoice-notify.request';
import { NotifyUserRequest } from '../src/notifications/dto/notify-user.request';
import { RefundNotifyRequest } from '../src/refunds/dto/refund-notify.request';
import { UpdateRolesRequest } from '../src/role-truth/dto/update-roles.request';
import { RefreshSubscriptionRequest } from '../src/subscription/subscription.controller';
import { OPENAPI_DOCUMENT_PATH } from '../src/openapi/openapi-document';
import { contractDifferences } from '../tools/contract/contract-diff';
import { GENERATE_COMMAND, generateDocument } from '../tools/contract/generate-document';
import { TEST_SECRET, useHarness, type Harness } from './support/e2e-harness';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- documents are walked by shape, asserted field by field
type Json = Record<string, any>;

const ROOT = join(__dirname, '..');
const COMMITTED = join(ROOT, OPENAPI_DOCUMENT_PATH);
/** Where CI lays the shared contract: beside the checkout. Tests never need it. */
const CONTRACT = join(ROOT, '..', 'shared', 'contract', 'internal-api.yaml');

/** The committed document, parsed. */
const committed = (): Json => JSON.parse(readFileSync(COMMITTED, 'utf8')) as Json;

/** The document the code generates now (once per file), as text. */
let generation: Promise<string> | undefined;
const generatedText = (): Promise<string> => (generation ??= generateDocument());

/** A schema of the document, its `$ref` followed. */
function schemaOf(doc: Json, schema: Json): Json {
  const ref = schema.$ref as string | undefined;
  return ref ? (doc.components.schemas[ref.replace('#/components/schemas/', '')] as Json) : schema;
}
const requestOf = (doc: Json, path: string): Json =>
  schemaOf(doc, doc.paths[path].post.requestBody.content['application/json'].schema as Json);
const responseOf = (doc: Json, path: string, method = 'post'): Json =>
  schemaOf(doc, doc.paths[path][method].responses['200'].content['application/json'].schema as Json);

/**
 * Differences between the code and the shared contract that are real and known: each is reported, not
 * papered over in the decorators (the code's behaviour is what the document describes). The test fails when
 * one disappears too, so this list never outlives the difference.
 */
const KNOWN_DIFFERENCES: Record<string, string> = {
  'POST /internal/notify: response 200 field stale: not in the contract':
    'the contract says (OccurredAt) an older change "is answered with stale: true", and /internal/notify does so, ' +
    'but its InternalNotifyUserResponse schema does not list stale',
  ...Object.fromEntries(
    ['/internal/notify', '/internal/subscription/refresh', '/internal/invoices/notify', '/internal/refunds/notify'].map(
      (path) => [
        `POST ${path}: status 503 not in the contract`,
        'a repeat of an Idempotency-Key whose first request is alive but stuck for 9 s is told to come back ' +
          '(503, Retry-After: 1); the contract says nothing of that case',
      ],
    ),
  ),
};

describe('the internal API document (docs/internal-api.openapi.json)', () => {
  let generated: string;

  beforeAll(async () => {
    generated = await generatedText();
  });

  it('should be committed as the code generates it', () => {
    const onDisk = existsSync(COMMITTED) ? readFileSync(COMMITTED, 'utf8') : '';
    if (onDisk !== generated) {
      throw new Error(
        `${OPENAPI_DOCUMENT_PATH} is out of date with the code's decorators: run \`${GENERATE_COMMAND}\` and ` +
          'commit the file.',
      );
    }
    expect(onDisk).toBe(generated);
  });

  it('should describe every route under /internal but its own, and nothing else', () => {
    const doc = JSON.parse(generated) as Json;
    expect(Object.keys(doc.paths as Json).sort()).toEqual([
      '/internal/health',
      '/internal/invoices/notify',
      '/internal/notify',
      '/internal/refunds/notify',
      '/internal/roles/update',
      '/internal/subscription/refresh',
    ]);
    for (const [path, item] of Object.entries(doc.paths as Json)) {
      for (const [method, operation] of Object.entries(item as Json)) {
        expect([path, method, operation.security]).toEqual([path, method, [{ bearer: [] }]]);
        expect([path, method, Object.keys(operation.responses as Json)]).toEqual(
          expect.arrayContaining([path, method, expect.arrayContaining(['200', '401', '403'])]),
        );
      }
    }
  });

  it('should carry the 1.1 additions', () => {
    const doc = JSON.parse(generated) as Json;
    for (const path of ['/internal/notify', '/internal/roles/update', '/internal/invoices/notify']) {
      expect([path, requestOf(doc, path).properties.occurred_at]).toEqual([
        path,
        expect.objectContaining({ type: 'string', format: 'date-time' }),
      ]);
      expect(requestOf(doc, path).required).not.toContain('occurred_at');
    }
    expect(requestOf(doc, '/internal/roles/update').properties.guild_id).toMatchObject({ type: 'string' });
    const roles = responseOf(doc, '/internal/roles/update');
    for (const field of ['pending', 'queued', 'superseded', 'stale']) {
      expect([field, roles.properties[field]]).toEqual([field, expect.objectContaining({ type: 'boolean' })]);
    }
    const result = schemaOf(doc, roles.properties.results.items as Json);
    expect(result.properties.outcome.enum).toEqual(['added', 'removed', 'unchanged', 'failed']);
    expect(responseOf(doc, '/internal/notify').properties).toMatchObject({
      queued: { type: 'boolean' },
      stale: { type: 'boolean' },
    });
    for (const path of ['/internal/invoices/notify', '/internal/refunds/notify', '/internal/subscription/refresh']) {
      const headers = (doc.paths[path].post.parameters as Json[]).map((p) => `${p.in} ${p.name}`);
      expect([path, headers]).toEqual([path, expect.arrayContaining(['header Idempotency-Key'])]);
    }
  });
});

/**
 * What the document says of each request field against what the validation does (class-validator's metadata
 * of the same DTO), so the decorators of the one cannot drift from the other: a field the document calls
 * required is one the validation does not let be absent, its enum is the validation's list, its bounds are the
 * validation's bounds.
 */
function validationDrift(doc: Json, dto: abstract new () => object, schemaName: string): string[] {
  const schema = doc.components.schemas[schemaName] as Json;
  const metas = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
  const drift: string[] = [];
  const fields = [...new Set(metas.map((meta) => meta.propertyName))].sort();
  const documented = Object.keys(schema.properties as Json).sort();
  if (fields.join() !== documented.join())
    drift.push(`fields: validated ${fields.join()}, documented ${documented.join()}`);
  const optional = new Set(metas.filter((meta) => meta.name === 'isOptional').map((meta) => meta.propertyName));
  const required = fields.filter((field) => !optional.has(field));
  const documentedRequired = ((schema.required ?? []) as string[]).slice().sort();
  if (required.join() !== documentedRequired.join()) {
    drift.push(`required: validated ${required.join()}, documented ${documentedRequired.join()}`);
  }
  for (const meta of metas) {
    const property = (schema.properties as Json)[meta.propertyName] as Json | undefined;
    const described = (meta.each ? property?.items : property) as Json | undefined;
    const target = described && schemaOf(doc, described);
    const [constraint] = (meta.constraints ?? []) as unknown[];
    const expected: Record<string, [string, unknown]> = {
      isIn: ['enum', constraint],
      matches: ['pattern', constraint instanceof RegExp ? constraint.source : constraint],
      maxLength: ['maxLength', constraint],
      minLength: ['minLength', constraint],
      arrayMaxSize: ['maxItems', constraint],
      min: ['minimum', constraint],
      max: ['maximum', constraint],
      isInt: ['type', 'integer'],
      isString: ['type', 'string'],
      isArray: ['type', 'array'],
      isObject: ['type', 'object'],
    };
    const check = meta.name === undefined ? undefined : expected[meta.name];
    if (!check) continue;
    const [key, value] = check;
    if (JSON.stringify(target?.[key]) !== JSON.stringify(value)) {
      drift.push(
        `${meta.propertyName}${meta.each ? '[]' : ''}: ${meta.name} says ${key} ${JSON.stringify(value)}, the document ${JSON.stringify(target?.[key])}`,
      );
    }
  }
  return drift.map((line) => `${schemaName}.${line}`);
}

describe('the document against the validation of the same DTOs', () => {
  it.each([
    ['NotifyUserRequest', NotifyUserRequest, 'InternalNotifyUserRequest'],
    ['UpdateRolesRequest', UpdateRolesRequest, 'InternalUpdateRoleRequest'],
    ['RefreshSubscriptionRequest', RefreshSubscriptionRequest, 'RefreshSubscriptionRequest'],
    ['InvoiceNotifyRequest', InvoiceNotifyRequest, 'InvoiceNotifyRequest'],
    ['NotifiedInvoice', NotifiedInvoice, 'InvoiceInfo'],
    ['RefundNotifyRequest', RefundNotifyRequest, 'RefundNotifyRequest'],
  ] as const)('should say of %s what its validation does', async (_name, dto, schemaName) => {
    const doc = JSON.parse(await generatedText()) as Json;
    expect(validationDrift(doc, dto, schemaName)).toEqual([]);
  });
});

describe('GET /internal/openapi.json (real HTTP)', () => {
  let h: Harness;

  useHarness((harness) => (h = harness));

  it('should answer 401 without the secret and 403 with a wrong one', async () => {
    const missing = await fetch(`${h.url}/internal/openapi.json`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ error: 'Missing Authorization header' });
    const wrong = await h.call('/internal/openapi.json', undefined, { authorization: 'Bearer not-the-secret' });
    expect(wrong).toMatchObject({ status: 403, body: { error: 'Invalid secret' } });
  });

  it('should serve the committed document with the secret', async () => {
    const res = await fetch(`${h.url}/internal/openapi.json`, { headers: { authorization: `Bearer ${TEST_SECRET}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual(committed());
  });

  it('should serve no UI', async () => {
    for (const path of ['/internal/docs', '/api', '/docs', '/internal/openapi.yaml']) {
      expect([path, (await h.call(path)).status]).toEqual([path, 404]);
    }
  });
});

describe('the comparison with the contract', () => {
  const contract: Json = {
    security: [{ bearer: [] }],
    paths: {
      '/internal/notify': {
        post: {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Req' } } },
          },
          responses: { '200': { description: 'ok' }, '422': { description: 'invalid' } },
        },
      },
      '/internal/gone': { get: { responses: { '200': { description: 'ok' } } } },
      '/backend/internal/x': { get: { responses: { '200': { description: 'not the bot' } } } },
    },
    components: {
      schemas: {
        Req: {
          type: 'object',
          required: ['discord_id', 'action'],
          properties: {
            discord_id: { type: 'string' },
            action: { type: 'string', enum: ['a', 'b'] },
            plan: { type: ['string', 'null'] },
            when: { type: 'string', format: 'date-time' },
          },
        },
      },
    },
  };
  const code: Json = {
    paths: {
      '/internal/notify': {
        post: {
          security: [{ bearer: [] }],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['discord_id'],
                  properties: {
                    discord_id: { type: 'string' },
                    action: { type: 'string', enum: ['a'] },
                    plan: { type: 'string' },
                    extra: { type: 'integer' },
                  },
                },
              },
            },
          },
          responses: { '200': { description: 'ok' }, '415': { description: 'rules' }, '500': { description: 'x' } },
        },
      },
      '/internal/new': { get: { responses: { '200': { description: 'ok' } } } },
    },
  };

  it('should report each difference by operation and field', () => {
    expect(contractDifferences(contract, code)).toEqual([
      'POST /internal/notify: request field action: required in the contract, optional in the code',
      'POST /internal/notify: request field action: enum differs (contract: a, b; code: a)',
      'POST /internal/notify: request field plan: the contract takes null, the code does not',
      'POST /internal/notify: request field when: missing in the code',
      'POST /internal/notify: request field extra: not in the contract',
      'POST /internal/notify: status 422 missing in the code',
      'POST /internal/notify: status 500 not in the contract',
      'GET /internal/gone: missing in the code',
      'GET /internal/new: not in the contract',
    ]);
  });

  it('should find nothing between a document and itself, nullable spelled either way', () => {
    expect(contractDifferences(contract, contract)).toEqual([]);
    const spelled30 = structuredClone(contract);
    spelled30.components.schemas.Req.properties.plan = { type: 'string', nullable: true };
    expect(contractDifferences(contract, spelled30)).toEqual([]);
  });
});

const contractPresent = existsSync(CONTRACT);
if (!contractPresent) {
  process.stderr.write(
    'SKIPPED: comparison with the shared contract (../shared/contract/internal-api.yaml not found)\n',
  );
}

(contractPresent ? describe : describe.skip)('the code against ../shared/contract/internal-api.yaml', () => {
  it('should match every path, method, required field, enum and status code, 1.1 additions included', async () => {
    const shared = parse(readFileSync(CONTRACT, 'utf8')) as Json;
    const differences = contractDifferences(shared, JSON.parse(await generatedText()) as Json);
    const unknown = differences.filter((line) => !(line in KNOWN_DIFFERENCES));
    const gone = Object.keys(KNOWN_DIFFERENCES).filter((line) => !differences.includes(line));
    if (unknown.length > 0 || gone.length > 0) {
      throw new Error(
        [
          ...(unknown.length > 0 ? ['The code and the contract differ:', ...unknown.map((line) => `  ${line}`)] : []),
          ...(gone.length > 0
            ? ['Known differences no longer found (remove them from KNOWN_DIFFERENCES):', ...gone.map((l) => `  ${l}`)]
            : []),
        ].join('\n'),
      );
    }
    expect(differences.sort()).toEqual(Object.keys(KNOWN_DIFFERENCES).sort());
  });

  it('should have every bot path of the contract in the code, and no other', async () => {
    const shared = parse(readFileSync(CONTRACT, 'utf8')) as Json;
    const botPaths = Object.keys(shared.paths as Json).filter((path) => path.startsWith('/internal/'));
    const codePaths = Object.keys((JSON.parse(await generatedText()) as Json).paths as Json);
    expect(botPaths.sort()).toEqual(codePaths.sort());
  });
});
