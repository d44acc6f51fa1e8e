// Request body validation against Discord's published schemas (discord-api-spec/zod, generated from the same
// OpenAPI document as /work/shared/discord/openapi.json), plus the real Discord limits those schemas miss.
// discord-api-spec is ESM-only: it is loaded with a real dynamic import() inside the simulator process.

type ZodMini = typeof import('zod/mini');
type Schema = Parameters<ZodMini['safeParse']>[0];

/** Minimal view of a zod 4 issue. */
interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  input?: unknown;
  origin?: string;
  expected?: string;
  maximum?: number | bigint;
  minimum?: number | bigint;
  values?: unknown[];
  format?: string;
  errors?: Issue[][];
}

export interface DiscordFieldError {
  code: string;
  message: string;
}

/** Discord's nested error object: `{ field: { 0: { sub: { _errors: [...] } } } }`. */
export type ErrorTree = { _errors?: DiscordFieldError[] } & {
  [key: string]: ErrorTree | DiscordFieldError[] | undefined;
};

export type SchemaKey =
  | 'commandsBulk'
  | 'commandCreate'
  | 'commandPatch'
  | 'interactionCallback'
  | 'webhookExecute'
  | 'webhookEdit'
  | 'createDm'
  | 'messageCreate'
  | 'messageEdit'
  | 'memberPatch';

export const LOCALES = [
  'id',
  'da',
  'de',
  'en-GB',
  'en-US',
  'es-ES',
  'es-419',
  'fr',
  'hr',
  'it',
  'lt',
  'hu',
  'nl',
  'no',
  'pl',
  'pt-BR',
  'ro',
  'fi',
  'sv-SE',
  'vi',
  'tr',
  'cs',
  'el',
  'bg',
  'ru',
  'uk',
  'hi',
  'th',
  'zh-CN',
  'ja',
  'zh-TW',
  'ko',
];
const LOCALE_SET = new Set(LOCALES);

/** Discord's documented regex for CHAT_INPUT command and option names. */
const COMMAND_NAME = /^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

const IS_COMPONENTS_V2 = 1 << 15;

export class Validator {
  private constructor(
    private readonly z: ZodMini,
    private readonly schemas: Record<SchemaKey, Schema>,
    private readonly callbackByType: Map<number, Schema>,
  ) {}

  static async load(): Promise<Validator> {
    // A variable specifier keeps TypeScript (module: commonjs) from resolving/rewriting it; tsx leaves import() native.
    const specifier = 'discord-api-spec/zod';
    const spec = (await import(specifier)) as Record<string, Schema>;
    const z = (await import('zod/mini')) as ZodMini;
    const need = (name: string): Schema => {
      const s = spec[name];
      if (!s) throw new Error(`discord-api-spec/zod has no ${name}`);
      return s;
    };
    // RELAXED FIELD: default_member_permissions is typed as an integer in the published schema, but it is a
    // permission bit set that discord.js (and Discord's own docs) send as a decimal string; Discord accepts both.
    // Only this field is widened: a number as published, or a string of digits.
    const permissionField = z.nullish(
      z.union([z.number().check(z.minimum(0), z.maximum(18014398509481984)), z.string().check(z.regex(/^\d{1,20}$/))]),
    );
    const relax = (s: Schema): Schema =>
      z.extend(s as Parameters<ZodMini['extend']>[0], { default_member_permissions: permissionField });
    const commandUpdate = relax(need('ApplicationCommandUpdateRequestSchema'));

    const schemas: Record<SchemaKey, Schema> = {
      // PUT /applications/{id}/commands (and guild variant): array (or null) of ApplicationCommandUpdateRequest, max 130
      commandsBulk: z.nullable(z.array(commandUpdate).check(z.maxLength(130))),
      commandCreate: relax(need('ApplicationCommandCreateRequestSchema')),
      commandPatch: relax(need('ApplicationCommandPatchRequestPartialSchema')),
      // the callback body is a oneOf; validated per `type` below for precise errors
      interactionCallback: z.union([
        need('ApplicationCommandAutocompleteCallbackRequestSchema'),
        need('CreateMessageInteractionCallbackRequestSchema'),
        need('LaunchActivityInteractionCallbackRequestSchema'),
        need('ModalInteractionCallbackRequestSchema'),
        need('PongInteractionCallbackRequestSchema'),
        need('UpdateMessageInteractionCallbackRequestSchema'),
      ]),
      // POST /webhooks/{id}/{token}: oneOf IncomingWebhookRequestPartial | IncomingWebhookUpdateRequestPartial
      webhookExecute: z.union([
        need('IncomingWebhookRequestPartialSchema'),
        need('IncomingWebhookUpdateRequestPartialSchema'),
      ]),
      webhookEdit: need('IncomingWebhookUpdateRequestPartialSchema'),
      createDm: need('CreatePrivateChannelRequestSchema'),
      messageCreate: need('MessageCreateRequestSchema'),
      messageEdit: need('MessageEditRequestPartialSchema'),
      // PATCH /guilds/{guild_id}/members/{user_id}: inline object in the OpenAPI document (no named schema)
      memberPatch: z.object({
        nick: z.nullish(z.string().check(z.maxLength(32))),
        roles: z.nullish(z.array(z.nullable(need('SnowflakeTypeSchema'))).check(z.maxLength(350))),
        mute: z.nullish(z.boolean()),
        deaf: z.nullish(z.boolean()),
        channel_id: z.nullish(need('SnowflakeTypeSchema')),
        communication_disabled_until: z.nullish(z.string()),
        flags: z.nullish(z.number()),
      }),
    };
    const callbackByType = new Map<number, Schema>([
      [1, need('PongInteractionCallbackRequestSchema')],
      [4, need('CreateMessageInteractionCallbackRequestSchema')],
      [5, need('CreateMessageInteractionCallbackRequestSchema')],
      [6, need('UpdateMessageInteractionCallbackRequestSchema')],
      [7, need('UpdateMessageInteractionCallbackRequestSchema')],
      [8, need('ApplicationCommandAutocompleteCallbackRequestSchema')],
      [9, need('ModalInteractionCallbackRequestSchema')],
      [12, need('LaunchActivityInteractionCallbackRequestSchema')],
    ]);
    return new Validator(z, schemas, callbackByType);
  }

  /** Returns null when valid, else Discord's `errors` tree. */
  validate(key: SchemaKey, body: unknown): ErrorTree | null {
    const tree: ErrorTree = {};
    let schema = this.schemas[key];
    if (key === 'interactionCallback') {
      const type = isObject(body) ? body.type : undefined;
      const s = typeof type === 'number' ? this.callbackByType.get(type) : undefined;
      if (!s) {
        addError(
          tree,
          ['type'],
          'BASE_TYPE_CHOICES',
          `Value must be one of ${[...this.callbackByType.keys()].join(', ')}.`,
        );
        return tree;
      }
      schema = s;
    }
    // Discord's own limits first, so that a looser schema bound on the same field (content: 4000) is not
    // reported next to the real one (2000).
    this.extraChecks(key, body, tree);
    const result = this.z.safeParse(schema, relaxEmbedTimestamps(key, body), { reportInput: true });
    if (!result.success) {
      for (const issue of result.error.issues as unknown as Issue[]) addIssue(tree, issue, []);
    }
    return Object.keys(tree).length ? tree : null;
  }

  /** Discord limits that the published schemas do not express (or express more loosely). */
  private extraChecks(key: SchemaKey, body: unknown, tree: ErrorTree): void {
    switch (key) {
      case 'messageCreate':
      case 'messageEdit':
      case 'webhookExecute':
      case 'webhookEdit':
        if (isObject(body)) checkMessageLike(body, [], tree);
        break;
      case 'interactionCallback':
        if (isObject(body) && isObject(body.data) && (body.type === 4 || body.type === 7)) {
          checkMessageLike(body.data, ['data'], tree);
        }
        break;
      case 'commandsBulk':
        if (Array.isArray(body)) {
          const seen = new Map<string, number>();
          body.forEach((c, i) => {
            if (!isObject(c)) return;
            checkCommand(c, [i], tree, false);
            const k = `${typeof c.type === 'number' ? c.type : 1}:${String(c.name)}`;
            if (seen.has(k)) {
              addError(
                tree,
                [i, 'name'],
                'APPLICATION_COMMANDS_DUPLICATE_NAME',
                `Application command names must be unique`,
              );
            }
            seen.set(k, i);
          });
        }
        break;
      case 'commandCreate':
        if (isObject(body)) checkCommand(body, [], tree, false);
        break;
      case 'commandPatch':
        if (isObject(body)) checkCommand(body, [], tree, true);
        break;
      case 'createDm':
      case 'memberPatch':
        break;
      default: {
        const never: never = key;
        throw new Error(`unhandled schema key ${String(never)}`);
      }
    }
  }
}

// RELAXED FIELD: embeds[].timestamp is `format: date-time` (RFC 3339) in the OpenAPI document, but the generated
// zod check (z.iso.datetime()) rejects UTC offsets such as "+00:00", the very format Discord itself returns
// timestamps in and accepts back. Offset timestamps that are valid RFC 3339 are shown to the schema in Z form.
const RFC3339_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}$/;

function relaxEmbeds(body: unknown): unknown {
  if (!isObject(body) || !Array.isArray(body.embeds)) return body;
  const embeds = (body.embeds as unknown[]).map((e: unknown): unknown => {
    if (!isObject(e) || typeof e.timestamp !== 'string' || !RFC3339_OFFSET.test(e.timestamp)) return e;
    const ms = Date.parse(e.timestamp);
    return Number.isNaN(ms) ? e : { ...e, timestamp: new Date(ms).toISOString() };
  });
  return { ...body, embeds };
}

function relaxEmbedTimestamps(key: SchemaKey, body: unknown): unknown {
  if (key === 'interactionCallback' && isObject(body)) return { ...body, data: relaxEmbeds(body.data) };
  if (key === 'messageCreate' || key === 'messageEdit' || key === 'webhookExecute' || key === 'webhookEdit') {
    return relaxEmbeds(body);
  }
  return body;
}

// ---- Discord's limits ---------------------------------------------------------------------------

function checkMessageLike(body: Record<string, unknown>, at: PropertyKey[], tree: ErrorTree): void {
  // MessageCreateRequest allows 4000 (Nitro users); bots and webhooks are limited to 2000 characters.
  if (typeof body.content === 'string' && [...body.content].length > 2000) {
    addError(tree, [...at, 'content'], 'BASE_TYPE_MAX_LENGTH', 'Must be 2000 or fewer in length.');
  }
  if (Array.isArray(body.embeds)) {
    let total = 0;
    for (const e of body.embeds) if (isObject(e)) total += embedLength(e);
    if (total > 6000) {
      addError(tree, [...at, 'embeds'], 'MAX_EMBED_SIZE_EXCEEDED', 'Embed size exceeds maximum size of 6000');
    }
  }
  const flags = typeof body.flags === 'number' ? body.flags : 0;
  if (Array.isArray(body.components) && (flags & IS_COMPONENTS_V2) === 0) {
    if (body.components.length > 5) {
      addError(tree, [...at, 'components'], 'BASE_TYPE_MAX_LENGTH', 'Must be 5 or fewer in length.');
    }
    body.components.forEach((row, i) => {
      if (isObject(row) && row.type !== 1) {
        addError(
          tree,
          [...at, 'components', i, 'type'],
          'COMPONENT_LAYOUT_WIDTH_EXCEEDED',
          'Top-level components must be action rows unless the IS_COMPONENTS_V2 flag is set.',
        );
      }
    });
  }
}

function strLen(v: unknown): number {
  return typeof v === 'string' ? [...v].length : 0;
}

function embedLength(e: Record<string, unknown>): number {
  let n = strLen(e.title) + strLen(e.description);
  if (isObject(e.footer)) n += strLen(e.footer.text);
  if (isObject(e.author)) n += strLen(e.author.name);
  if (Array.isArray(e.fields)) {
    for (const f of e.fields) if (isObject(f)) n += strLen(f.name) + strLen(f.value);
  }
  return n;
}

function checkLocalizations(value: unknown, at: PropertyKey[], tree: ErrorTree, nameRule: boolean): void {
  if (!isObject(value)) return;
  for (const [locale, text] of Object.entries(value)) {
    if (!LOCALE_SET.has(locale)) {
      addError(
        tree,
        [...at, locale],
        'BASE_TYPE_CHOICES',
        `Value must be one of {${LOCALES.map((l) => `'${l}'`).join(', ')}}.`,
      );
    } else if (nameRule && typeof text === 'string' && (!COMMAND_NAME.test(text) || text !== text.toLowerCase())) {
      addError(tree, [...at, locale], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
    }
  }
}

function checkCommand(c: Record<string, unknown>, at: PropertyKey[], tree: ErrorTree, partial: boolean): void {
  const type = typeof c.type === 'number' ? c.type : 1;
  const chatInput = type === 1;
  if (typeof c.name === 'string' && chatInput && (!COMMAND_NAME.test(c.name) || c.name !== c.name.toLowerCase())) {
    addError(tree, [...at, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
  }
  checkLocalizations(c.name_localizations, [...at, 'name_localizations'], tree, chatInput);
  checkLocalizations(c.description_localizations, [...at, 'description_localizations'], tree, false);
  if (chatInput) {
    const d = c.description;
    if (!(partial && d === undefined) && (typeof d !== 'string' || [...d].length < 1 || [...d].length > 100)) {
      addError(tree, [...at, 'description'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
    }
  } else if (typeof c.description === 'string' && c.description.length > 0) {
    addError(
      tree,
      [...at, 'description'],
      'APPLICATION_COMMAND_INVALID_DESCRIPTION',
      'Context menu commands cannot have a description',
    );
  }
  if (Array.isArray(c.options)) {
    if (!chatInput && c.options.length) {
      addError(
        tree,
        [...at, 'options'],
        'APPLICATION_COMMAND_OPTIONS_INVALID',
        'Context menu commands cannot have options',
      );
    }
    checkOptions(c.options, [...at, 'options'], tree);
  }
  if (chatInput) {
    const total = commandChars(c);
    if (total > 8000) {
      addError(tree, at.length ? at : ['name'], 'APPLICATION_COMMAND_TOO_LARGE', 'Command exceeds maximum size (8000)');
    }
  }
}

function checkOptions(options: unknown[], at: PropertyKey[], tree: ErrorTree): void {
  const names = new Set<string>();
  let sawOptional = false;
  options.forEach((o, i) => {
    if (!isObject(o)) return;
    const here = [...at, i];
    if (typeof o.name === 'string') {
      if (!COMMAND_NAME.test(o.name) || o.name !== o.name.toLowerCase()) {
        addError(tree, [...here, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
      }
      if (names.has(o.name)) {
        addError(
          tree,
          [...here, 'name'],
          'APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS',
          'Option names must be unique',
        );
      }
      names.add(o.name);
    }
    checkLocalizations(o.name_localizations, [...here, 'name_localizations'], tree, true);
    checkLocalizations(o.description_localizations, [...here, 'description_localizations'], tree, false);
    const isSub = o.type === 1 || o.type === 2;
    if (!isSub) {
      if (o.required === true && sawOptional) {
        addError(
          tree,
          [...here, 'required'],
          'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
          'Required options must be placed before non-required options',
        );
      }
      if (o.required !== true) sawOptional = true;
    }
    if (Array.isArray(o.choices)) {
      o.choices.forEach((ch, j) => {
        if (isObject(ch))
          checkLocalizations(ch.name_localizations, [...here, 'choices', j, 'name_localizations'], tree, false);
      });
    }
    if (Array.isArray(o.options)) checkOptions(o.options, [...here, 'options'], tree);
  });
}

function commandChars(c: Record<string, unknown>): number {
  let n = strLen(c.name) + strLen(c.description);
  if (Array.isArray(c.options)) {
    for (const o of c.options) if (isObject(o)) n += commandChars(o);
  }
  if (Array.isArray(c.choices)) {
    for (const ch of c.choices)
      if (isObject(ch))
        n += strLen(ch.name) + (typeof ch.value === 'string' ? [...ch.value].length : String(ch.value).length);
  }
  return n;
}

// ---- zod issues -> Discord's error tree ------------------------------------------------------------

export function addError(tree: ErrorTree, path: PropertyKey[], code: string, message: string): void {
  let node: ErrorTree = tree;
  for (const seg of path) {
    const k = String(seg);
    let next = node[k];
    if (!next || Array.isArray(next)) {
      next = {};
      node[k] = next;
    }
    node = next;
  }
  const list = (node._errors ??= []);
  if (!list.some((e) => e.code === code)) list.push({ code, message });
}

function describe(v: unknown): string {
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function addIssue(tree: ErrorTree, issue: Issue, prefix: PropertyKey[]): void {
  const path = [...prefix, ...issue.path];
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return addError(tree, path, 'BASE_TYPE_REQUIRED', 'This field is required');
      const v = describe(issue.input);
      switch (issue.expected) {
        case 'string':
          return addError(tree, path, 'STRING_TYPE_CONVERT', `Could not interpret "${v}" as string.`);
        case 'number':
        case 'int':
          return addError(tree, path, 'NUMBER_TYPE_COERCE', `Value "${v}" is not int.`);
        case 'boolean':
          return addError(tree, path, 'BASE_TYPE_BOOLEAN', 'Must be either true or false.');
        case 'array':
          return addError(tree, path, 'BASE_TYPE_ARRAY', `Value "${v}" is not a list.`);
        case 'object':
          return addError(tree, path, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
        case 'null':
          return addError(tree, path, 'BASE_TYPE_NULL', 'Must be null.');
        default:
          return addError(tree, path, 'BASE_TYPE_INVALID', `Invalid value, expected ${String(issue.expected)}.`);
      }
    }
    case 'too_big':
      if (issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint') {
        return addError(
          tree,
          path,
          'NUMBER_TYPE_MAX',
          `int value should be less than or equal to ${String(issue.maximum)}.`,
        );
      }
      return addError(tree, path, 'BASE_TYPE_MAX_LENGTH', `Must be ${String(issue.maximum)} or fewer in length.`);
    case 'too_small':
      if (issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint') {
        return addError(
          tree,
          path,
          'NUMBER_TYPE_MIN',
          `int value should be greater than or equal to ${String(issue.minimum)}.`,
        );
      }
      return addError(tree, path, 'BASE_TYPE_MIN_LENGTH', `Must be ${String(issue.minimum)} or more in length.`);
    case 'invalid_value':
      return addError(
        tree,
        path,
        'BASE_TYPE_CHOICES',
        `Value must be one of {${(issue.values ?? []).map(describe).join(', ')}}.`,
      );
    case 'invalid_format':
      if (issue.format === 'url') return addError(tree, path, 'URL_TYPE_INVALID_URL', 'Not a well formed URL.');
      if (issue.format === 'datetime') {
        return addError(tree, path, 'DATE_TYPE_PARSE', `Could not parse ${describe(issue.input)}. Should be ISO8601.`);
      }
      return addError(tree, path, 'STRING_TYPE_REGEX', 'String value did not match validation regex.');
    case 'invalid_union': {
      // Report the branch that matched best (fewest issues, and not rejected on its `type` discriminator).
      const branches = (issue.errors ?? []).filter((b) => b.length > 0);
      const plausible = branches.filter(
        (b) => !b.some((i) => i.code === 'invalid_value' && i.path.length === 1 && i.path[0] === 'type'),
      );
      const pool = plausible.length ? plausible : [];
      if (!pool.length) {
        return addError(tree, path, 'UNION_TYPE_CHOICES', 'Value of field "type" must be one of the allowed types.');
      }
      const best = pool.reduce((a, b) => (b.length < a.length ? b : a));
      for (const i of best) addIssue(tree, i, path);
      return;
    }
    case 'unrecognized_keys':
      return;
    default:
      return addError(tree, path, 'BASE_TYPE_INVALID', issue.message);
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
