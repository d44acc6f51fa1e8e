// Request-body checks that answer like the real backend (FastAPI + pydantic v2): 422 with a `detail` array.

export interface ValidationIssue {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; detail: ValidationIssue[] };

type Body = Record<string, unknown>;

const SNOWFLAKE_PATTERN = '^[0-9]{17,20}$';

/** Parses the raw body as a JSON object, or returns the issue FastAPI would report. */
export function parseJsonObject(raw: string): Parsed<Body> {
  if (raw.trim() === '') {
    return { ok: false, detail: [{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }] };
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    return {
      ok: false,
      detail: [
        {
          type: 'json_invalid',
          loc: ['body', 0],
          msg: 'JSON decode error',
          input: {},
          ctx: { error: error instanceof Error ? error.message : 'invalid JSON' },
        },
      ],
    };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return {
      ok: false,
      detail: [
        {
          type: 'model_attributes_type',
          loc: ['body'],
          msg: 'Input should be a valid dictionary or object to extract fields from',
          input: value,
        },
      ],
    };
  }
  return { ok: true, value: value as Body };
}

/** Collects the issues of one body, field by field, in declaration order like pydantic. */
export class BodyChecker {
  readonly issues: ValidationIssue[] = [];

  constructor(private readonly body: Body) {}

  /** Required snowflake string (contract `Snowflake`). */
  snowflake(field: string): string {
    const value = this.body[field];
    if (value === undefined) {
      this.issue('missing', field, 'Field required', this.body);
      return '';
    }
    if (typeof value !== 'string') {
      this.issue('string_type', field, 'Input should be a valid string', value);
      return '';
    }
    if (!new RegExp(SNOWFLAKE_PATTERN).test(value)) {
      this.issue('string_pattern_mismatch', field, `String should match pattern '${SNOWFLAKE_PATTERN}'`, value, {
        pattern: SNOWFLAKE_PATTERN,
      });
      return '';
    }
    return value;
  }

  /** Integer with bounds; `fallback` when absent; null allowed only when `nullable`. */
  integer(
    field: string,
    opts: { min?: number; max?: number; fallback: number | null; nullable?: boolean },
  ): number | null {
    const value = this.body[field];
    if (value === undefined) return opts.fallback;
    if (value === null && opts.nullable) return null;
    let n: number;
    if (typeof value === 'number') {
      if (!Number.isInteger(value)) {
        this.issue(
          'int_from_float',
          field,
          'Input should be a valid integer, got a number with a fractional part',
          value,
        );
        return null;
      }
      n = value;
    } else if (typeof value === 'string' && /^\s*[-+]?[0-9]+\s*$/.test(value)) {
      n = Number(value); // pydantic's lax mode accepts numeric strings
    } else if (typeof value === 'string') {
      this.issue('int_parsing', field, 'Input should be a valid integer, unable to parse string as an integer', value);
      return null;
    } else {
      this.issue('int_type', field, 'Input should be a valid integer', value);
      return null;
    }
    if (opts.min !== undefined && n < opts.min) {
      this.issue('greater_than_equal', field, `Input should be greater than or equal to ${opts.min}`, value, {
        ge: opts.min,
      });
      return null;
    }
    if (opts.max !== undefined && n > opts.max) {
      this.issue('less_than_equal', field, `Input should be less than or equal to ${opts.max}`, value, {
        le: opts.max,
      });
      return null;
    }
    return n;
  }

  /** Optional, nullable string. */
  optionalString(field: string): string | null {
    const value = this.body[field];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') {
      this.issue('string_type', field, 'Input should be a valid string', value);
      return null;
    }
    return value;
  }

  /** Required string from a fixed set (a Python `str` Enum). */
  oneOf<T extends string>(field: string, allowed: readonly T[]): T | null {
    const value = this.body[field];
    if (value === undefined) {
      this.issue('missing', field, 'Field required', this.body);
      return null;
    }
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    const quoted = allowed.map((a) => `'${a}'`);
    const expected = `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1] ?? ''}`;
    this.issue('enum', field, `Input should be ${expected}`, value, { expected });
    return null;
  }

  /** Optional, nullable JSON object. */
  optionalObject(field: string): Record<string, unknown> | null {
    const value = this.body[field];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.issue('dict_type', field, 'Input should be a valid dictionary', value);
      return null;
    }
    return value as Record<string, unknown>;
  }

  private issue(type: string, field: string, msg: string, input: unknown, ctx?: Record<string, unknown>): void {
    this.issues.push({ type, loc: ['body', field], msg, input, ...(ctx ? { ctx } : {}) });
  }
}
