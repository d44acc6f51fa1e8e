import { HttpException, HttpStatus, UnprocessableEntityException } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest, RawServerDefault } from 'fastify';

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
 * The first key written twice in one object of a JSON text (already known to be valid JSON), and where: the
 * path of the object and the key. Keys are compared as JSON reads them (`"pl\u0061n"` is `plan`).
 */
export function duplicateKey(text: string): (string | number)[] | undefined {
  const stack: { keys?: Set<string>; path: (string | number)[]; index: number; key?: string }[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const top = stack.at(-1);
      if (expectKey && top?.keys) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (top.keys.has(key)) return [...top.path, key];
        top.keys.add(key);
        top.key = key;
        expectKey = false;
      }
      i = end;
    } else if (c === '{' || c === '[') {
      const top = stack.at(-1);
      const here = top === undefined ? [] : [...top.path, top.keys ? (top.key ?? '') : top.index];
      stack.push(c === '{' ? { keys: new Set(), path: here, index: 0 } : { path: here, index: 0 });
      expectKey = c === '{';
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',') {
      const top = stack.at(-1);
      if (top?.keys) expectKey = true;
      else if (top) top.index++;
    }
  }
  return undefined;
}

/** Why a JSON body is refused before parsing (its encoding), as the status and the contract's words. */
function encodingRefusal(headers: FastifyRequest['headers']): string | undefined {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(headers['content-type'] ?? '')?.[1];
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) return 'Content-Type charset must be utf-8';
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
    return 'Content-Encoding must be identity (compressed bodies are not accepted)';
  }
  return undefined;
}

/**
 * The JSON body parser of the internal API: keeps the raw bytes (for the signature), refuses another charset
 * than UTF-8 or a compressed body with 415, nesting deeper than MAX_JSON_DEPTH with 400 before parsing, then
 * parses as Fastify does (`__proto__` and `constructor` keys refused) and refuses a key written twice in one
 * object with 422: `{"plan":"free","plan":"moddy_max"}` could be read two ways (and two such bodies would
 * hash alike for the Idempotency-Key). Only application/json is registered: any other type is 415.
 */
export function useJsonBodyParser(app: NestFastifyApplication, bodyLimit: number): void {
  const parseJson = app.getHttpAdapter().getInstance().getDefaultJsonParser('error', 'error');
  app.useBodyParser<RawServerDefault>('application/json', { bodyLimit }, (request, body, done) => {
    const refusal = encodingRefusal(request.headers);
    if (refusal) {
      done(new HttpException({ error: refusal }, HttpStatus.UNSUPPORTED_MEDIA_TYPE), undefined);
      return;
    }
    if (nestsDeeperThan(body, MAX_JSON_DEPTH)) {
      const error = `JSON body nests deeper than ${MAX_JSON_DEPTH} levels`;
      done(new HttpException({ error }, HttpStatus.BAD_REQUEST), undefined);
      return;
    }
    const text = body.toString('utf8');
    void parseJson(request, text, (error, value) => {
      const twice = error ? undefined : duplicateKey(text);
      if (twice) {
        const detail = [{ loc: ['body', ...twice], msg: 'key appears twice in one object', type: 'duplicate_key' }];
        done(new UnprocessableEntityException({ detail }), undefined);
        return;
      }
      done(error, value);
    });
  });
}
