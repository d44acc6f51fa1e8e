import { createHmac, timingSafeEqual } from 'node:crypto';
import { HttpException, HttpStatus, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '../../config/app-config';

/** How far a signed request's timestamp may lie in the past and in the future, in seconds. */
const SIGNATURE_PAST_WINDOW_S = 300;
const SIGNATURE_FUTURE_WINDOW_S = 60;

export type RawBodyRequest = FastifyRequest & { rawBody?: Buffer };

const unauthorized = (error: string) => new HttpException({ error }, HttpStatus.UNAUTHORIZED);

/**
 * Compares two secrets in constant time whatever their lengths: both sides are first reduced to
 * HMAC digests of equal length, so neither the content nor the length of the expected one leaks.
 */
export function constantTimeEquals(given: string, expected: string): boolean {
  const key = 'moddy-internal-api';
  const a = createHmac('sha256', key).update(given).digest();
  const b = createHmac('sha256', key).update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

/** The scheme is case-insensitive in HTTP (RFC 9110 11.1); one or more spaces may follow it. */
const BEARER = /^bearer +(\S+)$/i;

/**
 * Why an `Authorization: Bearer <token>` header does not let a caller in, as the contract words it (`wrong`
 * for a token that is not `expected`); undefined when it does.
 */
export function authorizationRefusal(
  header: string | undefined,
  expected: string,
  wrong = 'Invalid secret',
): { status: HttpStatus; error: string } | undefined {
  if (header === undefined) return { status: HttpStatus.UNAUTHORIZED, error: 'Missing Authorization header' };
  const match = BEARER.exec(header);
  if (!match) return { status: HttpStatus.UNAUTHORIZED, error: 'Invalid Authorization format' };
  if (!constantTimeEquals(match[1], expected)) return { status: HttpStatus.FORBIDDEN, error: wrong };
  return undefined;
}

/**
 * The shared-secret guard of every /internal route, as the contract's rules say: Bearer secret
 * (401 missing or malformed, 403 wrong), then the optional timestamped HMAC signature, then JSON only.
 * Applied per controller, never globally, so necord's handlers are not affected.
 */
@Injectable()
export class InternalApiGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<RawBodyRequest>();
    // Also checked before the body is read (refuseUnauthenticatedEarly); here for every path into the handler.
    const refusal = authorizationRefusal(request.headers.authorization, this.config.internalApi.secret);
    if (refusal) throw new HttpException({ error: refusal.error }, refusal.status);
    this.verifySignature(request);
    // Fastify refuses most other types itself; form bodies get parsed, so they are refused here.
    if (request.method === 'POST' && !/^application\/json\s*(;|$)/i.test(request.headers['content-type'] ?? '')) {
      throw new HttpException({ error: 'Content-Type must be application/json' }, HttpStatus.UNSUPPORTED_MEDIA_TYPE);
    }
    return true;
  }

  private verifySignature(request: RawBodyRequest): void {
    const timestamp = request.headers['x-moddy-timestamp'];
    const signature = request.headers['x-moddy-signature'];
    if (timestamp === undefined && signature === undefined) {
      if (this.config.internalApi.requireSignature) throw unauthorized('Invalid signature');
      return;
    }
    if (typeof timestamp !== 'string' || typeof signature !== 'string' || !/^\d{1,12}$/.test(timestamp)) {
      throw unauthorized('Invalid signature');
    }
    const age = Math.floor(Date.now() / 1000) - Number(timestamp);
    if (age > SIGNATURE_PAST_WINDOW_S || age < -SIGNATURE_FUTURE_WINDOW_S) throw unauthorized('Invalid signature');
    const body = request.rawBody ?? Buffer.alloc(0);
    const expected =
      'sha256=' +
      createHmac('sha256', this.config.internalApi.secret).update(`${timestamp}.`).update(body).digest('hex');
    if (!constantTimeEquals(signature.toLowerCase(), expected)) throw unauthorized('Invalid signature');
  }
}
