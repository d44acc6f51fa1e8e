import { HttpStatus, UnprocessableEntityException, ValidationPipe, type ValidationError } from '@nestjs/common';

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

/** Turns class-validator errors into the FastAPI shape: 422 {detail:[{loc, msg, type}]}. */
export function toValidationDetails(errors: ValidationError[]): ValidationDetail[] {
  return flatten(errors, ['body']);
}

/**
 * The one validation pipe of the internal API: strips unknown fields (the contract ignores them),
 * converts to DTO classes, and answers 422 in the shape the backend's clients already parse.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: false,
    forbidUnknownValues: true,
    errorHttpStatusCode: HttpStatus.UNPROCESSABLE_ENTITY,
    exceptionFactory: (errors) => new UnprocessableEntityException({ detail: toValidationDetails(errors) }),
  });
}
