import { HttpException, HttpStatus } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { RawServerDefault } from 'fastify';

/** The deepest nesting of arrays and objects a body may have; the contract's bodies need 3. */
export const MAX_JSON_DEPTH = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/**
 * Whether raw JSON nests arrays and objects deeper than `max`, by one pass over the bytes (brackets inside
 * strings do not count). Nothing recursive ever sees a deeper body: not the parser, the validation pipe or
 * the idempotency hash, whose stacks overflowed at about 1,300 levels.
 */
export function nestsDeeperThan(raw: Buffer, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      if (++depth > max) return true;
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) {
      depth--;
    }
  }
  return false;
}

/**
 * The JSON body parser of the internal API: keeps the raw bytes (for the signature), refuses nesting deeper
 * than MAX_JSON_DEPTH with 400 before parsing, then parses as Fastify does (`__proto__` and `constructor`
 * keys refused). Only application/json is registered: any other type is 415.
 */
export function useJsonBodyParser(app: NestFastifyApplication, bodyLimit: number): void {
  const parseJson = app.getHttpAdapter().getInstance().getDefaultJsonParser('error', 'error');
  app.useBodyParser<RawServerDefault>('application/json', { bodyLimit }, (request, body, done) => {
    if (nestsDeeperThan(body, MAX_JSON_DEPTH)) {
      const error = `JSON body nests deeper than ${MAX_JSON_DEPTH} levels`;
      done(new HttpException({ error }, HttpStatus.BAD_REQUEST), undefined);
      return;
    }
    void parseJson(request, body.toString('utf8'), done);
  });
}
