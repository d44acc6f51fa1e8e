import { createHmac, hash, timingSafeEqual } from 'node:crypto';
import { HttpException, HttpStatus, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '../../config/app-config';
import { SignatureUses } from './signature-uses';

/** How far a signed request's timestamp may lie in the past and in the future, in seconds. */
const SIGNATURE_PAST_WINDOW_S = 300;
const SIGNATURE_FUTURE_WINDOW_S = 60;

export type RawBodyRequest = FastifyRequest & { rawBody?: Buffer };

const unauthorized = (error: string) => new HttpException({ error }, HttpStatus.UNAUTHORIZED);

/**
 * Compares two secrets in constant time whatever their lengths: both sides are first reduced to
 * SHA-256 digests of equal length, so neither the content nor the length of the expected one leaks.
 */
export function constantTimeEquals(given: string, expected: string): boolean {
  return timingSafeEqual(digestOf(given), expectedDigest(expected)) && given.length === expected.length;
}

// One-shot hash: a third of an HMAC's cost, and the comparison needs no key (it only evens the lengths out).
const digestOf = (text: string): Buffer => hash('sha256', text, 'buffer');

/** The expected side is the configured secret, the same on every request: its digest is made once. */
let expectedOf: { text: string; digest: Buffer } | undefined;
function expectedDigest(expected: string): Buffer {
  if (expectedOf?.text !== expected) expectedOf = { text: expected, digest: digestOf(expected) };
  return expectedOf.digest;
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
  constructor(
    private readonly config: AppConfig,
    private readonly signatures: SignatureUses,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RawBodyRequest>();
    // Also checked before the body is read (refuseUnauthenticatedEarly); here for every path into the handler.
    const refusal = authorizationRefusal(request.headers.authorization, this.config.internalApi.secret);
    if (refusal) throw new HttpException({ error: refusal.error }, refusal.status);
    const signed = this.verifySignature(request);
    // Fastify refuses most other types itself; this keeps the contract's words for any that get through.
    if (request.method === 'POST' && !/^application\/json\s*(;|$)/i.test(request.headers['content-type'] ?? '')) {
      throw new HttpException({ error: 'Content-Type must be application/json' }, HttpStatus.UNSUPPORTED_MEDIA_TYPE);
    }
    if (signed) await this.refuseReplay(request, signed);
    return true;
  }

  /**
   * A signed request is accepted once within its window, whatever Idempotency-Key it carries: the same
   * signature again is a replay (someone who saw the request on the wire) and is refused with 409. Only a
   * repeat under the key the signature first came with goes on: the idempotency check answers it with the
   * first response and runs nothing again, which is what the backend's own retry of the very same bytes expects.
   */
  private async refuseReplay(request: RawBodyRequest, signed: { signature: string; timestamp: number }) {
    const expiresAt = (signed.timestamp + SIGNATURE_PAST_WINDOW_S) * 1000;
    const header = request.headers['idempotency-key'];
    const key = request.method === 'POST' && typeof header === 'string' ? header : null;
    if ((await this.signatures.use(signed.signature, expiresAt, key)) !== 'replay') return;
    throw new HttpException({ error: 'Signature already used: replayed request' }, HttpStatus.CONFLICT);
  }

  /**
   * The key of the signatures: INTERNAL_API_SIGNING_SECRET, which never travels on the wire (contract 1.2); a
   * 1.1 setup without it signs with INTERNAL_API_SECRET, which every request carries.
   */
  private get signingKey(): string {
    return this.config.internalApi.signingSecret ?? this.config.internalApi.secret;
  }

  /** Checks the signature when there is one (or when one is required); gives it back, verified. */
  private verifySignature(request: RawBodyRequest): { signature: string; timestamp: number } | undefined {
    const timestamp = request.headers['x-moddy-timestamp'];
    const signature = request.headers['x-moddy-signature'];
    if (timestamp === undefined && signature === undefined) {
      if (this.config.internalApi.requireSignature) throw unauthorized('Invalid signature');
      return undefined;
    }
    if (typeof timestamp !== 'string' || typeof signature !== 'string' || !/^\d{1,12}$/.test(timestamp)) {
      throw unauthorized('Invalid signature');
    }
    const age = Math.floor(Date.now() / 1000) - Number(timestamp);
    if (age > SIGNATURE_PAST_WINDOW_S || age < -SIGNATURE_FUTURE_WINDOW_S) throw unauthorized('Invalid signature');
    const body = request.rawBody ?? Buffer.alloc(0);
    const expected =
      'sha256=' + createHmac('sha256', this.signingKey).update(`${timestamp}.`).update(body).digest('hex');
    if (!constantTimeEquals(signature.toLowerCase(), expected)) throw unauthorized('Invalid signature');
    return { signature: expected.slice('sha256='.length), timestamp: Number(timestamp) };
  }
}
