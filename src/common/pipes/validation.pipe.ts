import {
  HttpStatus,
  UnprocessableEntityException,
  ValidationPipe,
  type ArgumentMetadata,
  type ValidationError,
} from '@nestjs/common';

export interface ValidationDetail {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/** class-validator constraint names mapped to the error types FastAPI (pydantic) clients know. */
const TYPES: Record<string, string> = {
  isDefined: 'missing',
  isNotEmpty: 'missing',
  isString: 'string_type',
  isBoolean: 'bool_type',
  isInt: 'int_type',
  isNumber: 'float_type',
  isObject: 'dict_type',
  isArray: 'list_type',
  isIn: 'enum',
  isEnum: 'enum',
  matches: 'string_pattern_mismatch',
  minLength: 'string_too_short',
  maxLength: 'string_too_long',
  arrayMaxSize: 'too_long',
  min: 'greater_than_equal',
  max: 'less_than_equal',
  whitelistValidation: 'extra_forbidden',
  unknownValue: 'model_type',
  nestedValidation: 'model_type',
};

function flatten(errors: ValidationError[], loc: (string | number)[]): ValidationDetail[] {
  return errors.flatMap((error) => {
    const key = /^\d+$/.test(error.property) ? Number(error.property) : error.property;
    const here = error.property === undefined || error.property === '' ? loc : [...loc, key];
    const own = Object.entries(error.constraints ?? {}).map(([name, msg]) => ({
      loc: here,
      msg: name === 'unknownValue' ? 'Input should be a valid JSON object' : msg,
      type: TYPES[name] ?? 'value_error',
    }));
    return [...own, ...flatten(error.children ?? [], here)];
  });
}

/** A 422 in the contract's shape for one field a DTO cannot judge alone (it needs the service's state). */
export function unprocessable(field: string, msg: string, type = 'value_error'): UnprocessableEntityException {
  return new UnprocessableEntityException({ detail: [{ loc: ['body', field], msg, type }] });
}

/** Turns class-validator errors into the FastAPI shape: 422 {detail:[{loc, msg, type}]}. */
export function toValidationDetails(errors: ValidationError[]): ValidationDetail[] {
  return flatten(errors, ['body']);
}

/**
 * C0 control characters but tab, line feed and carriage return. PostgreSQL cannot store NUL in text, and
 * none of the others belongs in anything that reaches a DM, an audit post or a log.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;

/**
 * Where a JSON value holds a control character, in a key or a string, anywhere in it. An explicit stack, not
 * recursion: the body parser bounds the nesting, and this would not overflow even without it.
 */
export function controlCharacterDetails(value: unknown): ValidationDetail[] {
  const details: ValidationDetail[] = [];
  const stack: { value: unknown; loc: (string | number)[] }[] = [{ value, loc: ['body'] }];
  const refuse = (loc: (string | number)[]) =>
    details.push({
      loc,
      msg: 'must not contain control characters (only tab and line breaks are allowed)',
      type: 'string_control_character',
    });
  while (stack.length > 0) {
    const { value: v, loc } = stack.pop()!;
    if (typeof v === 'string') {
      if (CONTROL_CHARACTER.test(v)) refuse(loc);
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push({ value: item, loc: [...loc, i] }));
    } else if (v !== null && typeof v === 'object') {
      for (const [key, item] of Object.entries(v)) {
        if (CONTROL_CHARACTER.test(key)) refuse([...loc, key]);
        stack.push({ value: item, loc: [...loc, key] });
      }
    }
  }
  return details;
}

/** ValidationPipe, plus the refusal of control characters anywhere in a body, before the DTO sees it. */
class InternalApiValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body') {
      const detail = controlCharacterDetails(value);
      if (detail.length > 0) throw new UnprocessableEntityException({ detail });
    }
    return super.transform(value, metadata) as Promise<unknown>;
  }
}

/**
 * The one validation pipe of the internal API: refuses control characters, strips unknown fields (the
 * contract ignores them), converts to DTO classes, and answers 422 in the shape the backend's clients parse.
 */
export function createValidationPipe(): ValidationPipe {
  return new InternalApiValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: false,
    forbidUnknownValues: true,
    errorHttpStatusCode: HttpStatus.UNPROCESSABLE_ENTITY,
    exceptionFactory: (errors) => new UnprocessableEntityException({ detail: toValidationDetails(errors) }),
  });
}
