/**
 * Compares the OpenAPI document generated from the code with the shared contract (OpenAPI 3.1), for the paths
 * the bot serves under /internal. Each difference is one line naming the operation and the field, e.g.
 * `POST /internal/notify: request field plan: enum differs (contract: a, b; code: a)`.
 */

type Json = Record<string, unknown>;

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/**
 * Status codes the contract's rules give to every bot path under /internal (its description: 401/403 for the
 * secret and the signature, 422 for an invalid body, 400 malformed JSON, 413 too large, 415 not JSON, 409 for
 * an Idempotency-Key reused with another body). The code's document may declare them on an operation whose
 * contract entry does not list them; any other extra status code is a difference.
 */
export const STATUS_CODES_OF_THE_RULES = new Set(['400', '401', '403', '409', '413', '415', '422']);

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Follows local `$ref`s (`#/components/...`) until a value that is not a reference. */
function resolve(doc: Json, value: unknown): Json | undefined {
  let current = value;
  for (let depth = 0; isObject(current) && typeof current.$ref === 'string'; depth++) {
    if (depth > 20) throw new Error(`$ref loop at ${current.$ref}`);
    const ref = current.$ref;
    if (!ref.startsWith('#/')) throw new Error(`only local $refs are followed: ${ref}`);
    current = ref
      .slice(2)
      .split('/')
      .reduce<unknown>(
        (node, key) => (isObject(node) ? node[key.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined),
        doc,
      );
  }
  return isObject(current) ? current : undefined;
}

/**
 * A schema's types without `null`, and whether it takes `null`, in either spelling: 3.1's `type: [x, "null"]`
 * or `oneOf: [{type: "null"}, ...]`, and 3.0's `nullable: true`. `allOf` of one schema (how a described `$ref` is
 * written) is unwrapped first.
 */
function shapeOf(doc: Json, raw: unknown): { schema: Json; types: string[]; nullable: boolean } {
  let schema = resolve(doc, raw) ?? {};
  let nullable = schema.nullable === true;
  const allOf = Array.isArray(schema.allOf) ? schema.allOf : [];
  if (allOf.length === 1) schema = { ...resolve(doc, allOf[0]), ...schema, allOf: undefined };
  const oneOf = Array.isArray(schema.oneOf) ? schema.oneOf.map((member) => resolve(doc, member) ?? {}) : [];
  const nonNull = oneOf.filter((member) => member.type !== 'null');
  if (oneOf.length > 0) nullable ||= nonNull.length < oneOf.length;
  if (nonNull.length === 1) schema = { ...nonNull[0], ...schema, oneOf: undefined };
  else if (nonNull.length > 1 && nonNull.every((member) => Object.keys(member).every((key) => key === 'type'))) {
    // 3.0 spells a union of plain types `oneOf: [{type: string}, {type: integer}]`, 3.1 `type: [string, integer]`.
    schema = { ...schema, oneOf: undefined, type: nonNull.flatMap((member) => member.type) };
  }
  if (schema.nullable === true) nullable = true;
  const declared = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
  const types = declared.filter((type): type is string => typeof type === 'string' && type !== 'null').sort();
  if (declared.includes('null')) nullable = true;
  return { schema, types, nullable };
}

const listed = (values: unknown[]) => (values.length === 0 ? 'none' : values.map(String).join(', '));
const setOf = (value: unknown) => new Set(Array.isArray(value) ? value.map(String) : []);
const sameSet = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every((item) => b.has(item));

/**
 * Differences between one schema of the contract and its counterpart in the code's document. `label` names the
 * place (`POST /internal/notify: request`), `field` the property inside it (`invoice.amount`, `results[].outcome`).
 */
function compareSchemas(
  docs: { contract: Json; code: Json },
  contractRaw: unknown,
  codeRaw: unknown,
  label: string,
  field: string,
  out: string[],
): void {
  const c = shapeOf(docs.contract, contractRaw);
  const g = shapeOf(docs.code, codeRaw);
  const here = field === '' ? label : `${label} field ${field}`;
  const child = (key: string) => (field === '' ? key : `${field}.${key}`);
  if (c.types.length > 0 && c.types.join(',') !== g.types.join(',')) {
    out.push(`${here}: type differs (contract: ${listed(c.types)}; code: ${listed(g.types)})`);
  }
  if (c.nullable && !g.nullable) out.push(`${here}: the contract takes null, the code does not`);
  const contractEnum = setOf(c.schema.enum);
  const codeEnum = setOf(g.schema.enum);
  if ((c.schema.enum !== undefined || g.schema.enum !== undefined) && !sameSet(contractEnum, codeEnum)) {
    out.push(`${here}: enum differs (contract: ${listed([...contractEnum])}; code: ${listed([...codeEnum])})`);
  }
  const format = (schema: Json) => (typeof schema.format === 'string' ? schema.format : 'none');
  if (c.schema.format !== undefined && format(c.schema) !== format(g.schema)) {
    out.push(`${here}: format differs (contract: ${format(c.schema)}; code: ${format(g.schema)})`);
  }

  const contractRequired = setOf(c.schema.required);
  const codeRequired = setOf(g.schema.required);
  const contractProps = isObject(c.schema.properties) ? c.schema.properties : {};
  const codeProps = isObject(g.schema.properties) ? g.schema.properties : {};
  const at = (key: string) => `${label} field ${child(key)}`;
  for (const key of new Set([...Object.keys(contractProps), ...contractRequired])) {
    if (!(key in codeProps)) {
      out.push(`${at(key)}: missing in the code`);
      continue;
    }
    if (contractRequired.has(key) && !codeRequired.has(key))
      out.push(`${at(key)}: required in the contract, optional in the code`);
    if (key in contractProps) compareSchemas(docs, contractProps[key], codeProps[key], label, child(key), out);
  }
  for (const key of Object.keys(codeProps)) {
    if (codeRequired.has(key) && !contractRequired.has(key))
      out.push(`${at(key)}: optional in the contract, required in the code`);
    if (!(key in contractProps) && Object.keys(contractProps).length > 0) out.push(`${at(key)}: not in the contract`);
  }
  if (c.schema.items !== undefined) {
    if (g.schema.items === undefined) out.push(`${here}: the contract describes its items, the code does not`);
    else compareSchemas(docs, c.schema.items, g.schema.items, label, `${field}[]`, out);
  }
}

/** The JSON schema of a request body or a response, when it has one. */
function jsonSchemaOf(doc: Json, raw: unknown): unknown {
  const body = resolve(doc, raw);
  const content = isObject(body?.content) ? body.content : {};
  const json = resolve(doc, content['application/json']);
  return json?.schema;
}

/** Whether an operation asks for the bearer secret (its own `security`, else the document's). */
function needsBearer(doc: Json, operation: Json): boolean {
  const security = Array.isArray(operation.security)
    ? operation.security
    : Array.isArray(doc.security)
      ? doc.security
      : [];
  return security.some((requirement) => isObject(requirement) && 'bearer' in requirement);
}

function compareOperation(contract: Json, code: Json, c: Json, g: Json, label: string, out: string[]): void {
  if (needsBearer(contract, c) !== needsBearer(code, g)) {
    out.push(
      `${label}: bearer secret ${needsBearer(contract, c) ? 'required by the contract, not by the code' : 'required by the code, not by the contract'}`,
    );
  }

  const codeParameters = (Array.isArray(g.parameters) ? g.parameters : []).map((p) => resolve(code, p) ?? {});
  for (const raw of Array.isArray(c.parameters) ? c.parameters : []) {
    const parameter = resolve(contract, raw) ?? {};
    const same = codeParameters.find(
      (p) => p.in === parameter.in && String(p.name).toLowerCase() === String(parameter.name).toLowerCase(),
    );
    const what = `${label}: ${String(parameter.in)} parameter ${String(parameter.name)}`;
    if (!same) {
      out.push(`${what}: missing in the code`);
      continue;
    }
    if ((parameter.required === true) !== (same.required === true)) {
      out.push(
        `${what}: ${parameter.required === true ? 'required in the contract, optional in the code' : 'optional in the contract, required in the code'}`,
      );
    }
    compareSchemas({ contract, code }, parameter.schema, same.schema, what, '', out);
  }

  if (c.requestBody !== undefined) {
    const contractBody = resolve(contract, c.requestBody) ?? {};
    const codeBody = resolve(code, g.requestBody);
    if (!codeBody) out.push(`${label}: request body missing in the code`);
    else {
      if ((contractBody.required === true) !== (codeBody.required === true)) {
        out.push(
          `${label}: request body ${contractBody.required === true ? 'required in the contract, optional in the code' : 'optional in the contract, required in the code'}`,
        );
      }
      compareSchemas(
        { contract, code },
        jsonSchemaOf(contract, contractBody),
        jsonSchemaOf(code, codeBody),
        `${label}: request`,
        '',
        out,
      );
    }
  }

  const contractResponses = isObject(c.responses) ? c.responses : {};
  const codeResponses = isObject(g.responses) ? g.responses : {};
  for (const status of Object.keys(contractResponses)) {
    if (!(status in codeResponses)) {
      out.push(`${label}: status ${status} missing in the code`);
      continue;
    }
    const contractSchema = jsonSchemaOf(contract, contractResponses[status]);
    if (contractSchema === undefined) continue;
    const codeSchema = jsonSchemaOf(code, codeResponses[status]);
    if (codeSchema === undefined) out.push(`${label}: response ${status} has no JSON body in the code`);
    else compareSchemas({ contract, code }, contractSchema, codeSchema, `${label}: response ${status}`, '', out);
  }
  for (const status of Object.keys(codeResponses)) {
    if (!(status in contractResponses) && !STATUS_CODES_OF_THE_RULES.has(status)) {
      out.push(`${label}: status ${status} not in the contract`);
    }
  }
}

/** Every difference, one line each, for the paths under /internal that the bot serves. */
export function contractDifferences(contract: Json, code: Json): string[] {
  const out: string[] = [];
  const contractPaths = isObject(contract.paths) ? contract.paths : {};
  const codePaths = isObject(code.paths) ? code.paths : {};
  const internal = (path: string) => path.startsWith('/internal/');
  for (const path of Object.keys(contractPaths).filter(internal)) {
    const c = resolve(contract, contractPaths[path]) ?? {};
    const g = resolve(code, codePaths[path]) ?? {};
    for (const method of METHODS) {
      const label = `${method.toUpperCase()} ${path}`;
      if (!isObject(c[method])) {
        if (isObject(g[method])) out.push(`${label}: not in the contract`);
        continue;
      }
      if (!isObject(g[method])) {
        out.push(`${label}: missing in the code`);
        continue;
      }
      compareOperation(contract, code, c[method], g[method], label, out);
    }
  }
  for (const path of Object.keys(codePaths).filter(internal)) {
    if (path in contractPaths) continue;
    for (const method of METHODS) {
      if (isObject(resolve(code, codePaths[path])?.[method]))
        out.push(`${method.toUpperCase()} ${path}: not in the contract`);
    }
  }
  return out;
}
