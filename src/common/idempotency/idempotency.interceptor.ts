import { createHash } from 'node:crypto';
import {
  HttpException,
  HttpStatus,
  Injectable,
  UnprocessableEntityException,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { IdempotencyStore } from './idempotency.store';

const KEY_PATTERN = /^[\x21-\x7E]{1,255}$/;
/**
 * How long a repeat waits for the first request with its key. Every route answers within 5 s and a crashed
 * first request frees its key within a second (IDEMPOTENCY_LEASE_MS), so this is only reached when the first
 * request's process is alive but stuck: the repeat is then told to come back (503), under the backend's 10 s.
 */
const WAIT_FOR_FIRST_MS = 9000;
const POLL_MS = 100;

/** JSON with sorted keys, so the same body sent with other spacing or key order hashes alike. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `Idempotency-Key` on POST: executed at most once per key for 24 h; a repeat gets the first response
 * unchanged with `Idempotent-Replayed: true`; the same key with another body is 409.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly store: IdempotencyStore) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || key === undefined) return next.handle();
    return from(this.run(request, context.switchToHttp().getResponse<FastifyReply>(), key, next));
  }

  private async run(request: FastifyRequest, reply: FastifyReply, key: string | string[], next: CallHandler) {
    if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
      throw new UnprocessableEntityException({
        detail: [
          { loc: ['header', 'idempotency-key'], msg: 'must be 1 to 255 visible ASCII characters', type: 'value_error' },
        ],
      });
    }
    const hash = createHash('sha256')
      .update(`${request.method} ${request.routeOptions.url ?? request.url}\n${canonicalJson(request.body)}`)
      .digest('hex');
    const deadline = Date.now() + WAIT_FOR_FIRST_MS;
    for (;;) {
      const reservation = await this.store.reserve(key, hash);
      switch (reservation.kind) {
        case 'reserved':
          return this.execute(key, reply, next);
        case 'replay':
          void reply.status(reservation.statusCode).header('Idempotent-Replayed', 'true');
          return reservation.body;
        case 'conflict':
          throw new HttpException({ error: 'Idempotency-Key reused with a different body' }, HttpStatus.CONFLICT);
        case 'in_progress':
          if (Date.now() > deadline) {
            void reply.header('Retry-After', '1');
            throw new HttpException(
              { error: 'A request with this Idempotency-Key is still being processed' },
              HttpStatus.SERVICE_UNAVAILABLE,
            );
          }
          await sleep(POLL_MS);
      }
    }
  }

  private async execute(key: string, reply: FastifyReply, next: CallHandler): Promise<unknown> {
    let body: unknown;
    try {
      body = await lastValueFrom(next.handle(), { defaultValue: undefined });
    } catch (error) {
      await this.store.release(key);
      throw error;
    }
    await this.store.complete(key, reply.statusCode, body);
    return body;
  }
}
