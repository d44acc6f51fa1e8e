import { applyDecorators, UseGuards, UseInterceptors, type Type } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InternalApiGuard } from '../common/guards/internal-api.guard';
import { IdempotencyInterceptor } from '../common/idempotency/idempotency.interceptor';
import { ErrorBody, ValidationErrorBody } from './error-bodies';

/** The name of the bearer scheme in the document (the contract's `bearer`). */
export const BEARER_SCHEME = 'bearer';

const error = (status: number, description: string, example: string) =>
  ApiResponse({ status, description, type: ErrorBody, example: { error: example } });

/**
 * How every controller under /internal is described, as the contract's rules say: the bearer secret (401 missing
 * or malformed, or a bad signature; 403 wrong), the optional signature headers, and 409 for a signature replayed.
 */
function ApiInternalController(): ClassDecorator {
  return applyDecorators(
    ApiTags('bot'),
    ApiBearerAuth(BEARER_SCHEME),
    ApiHeader({
      name: 'X-Moddy-Timestamp',
      required: false,
      description: 'NEW in 1.1, optional. Unix seconds; with X-Moddy-Signature (300 s past, 60 s future).',
      schema: { type: 'string', pattern: '^[0-9]{1,12}$' },
    }),
    ApiHeader({
      name: 'X-Moddy-Signature',
      required: false,
      description:
        'NEW in 1.1, optional. sha256=<hex HMAC-SHA256(key, timestamp + "." + raw body)>, the key being ' +
        'INTERNAL_API_SIGNING_SECRET (NEW in 1.2; INTERNAL_API_SECRET without it). Required when ' +
        'INTERNAL_API_REQUIRE_SIGNATURE=true. Each signature is accepted once, whatever Idempotency-Key it carries.',
      schema: { type: 'string', pattern: '^sha256=[0-9a-fA-F]{64}$' },
    }),
    error(
      401,
      'Missing or malformed Authorization header, or a bad or missing required signature',
      'Missing Authorization header',
    ),
    error(403, 'Wrong secret', 'Invalid secret'),
    error(
      409,
      'A signed request replayed within its window, or (POST) an Idempotency-Key reused with a different body',
      'Signature already used: replayed request',
    ),
  );
}

/**
 * A controller of the internal API: the shared secret and signature (InternalApiGuard), Idempotency-Key on its
 * POSTs (IdempotencyInterceptor), and the description above. `idempotent: false` for GET-only controllers: no
 * key to honour there, and an interceptor costs every request a trip through Nest's interceptor pipeline.
 */
export function InternalApi({ idempotent = true }: { idempotent?: boolean } = {}): ClassDecorator {
  const guarded = [ApiInternalController(), UseGuards(InternalApiGuard)];
  return applyDecorators(...guarded, ...(idempotent ? [UseInterceptors(IdempotencyInterceptor)] : []));
}

export interface InternalPostOptions {
  summary: string;
  description?: string;
  body: Type;
  response: Type;
  /** What else than a stuck Idempotency-Key makes this route answer 503. */
  unavailable?: string;
}

/**
 * A POST under /internal: JSON in, 200 with the outcome out (business failures are 200 too), the optional
 * Idempotency-Key, and the refusals every such POST shares.
 */
export function ApiInternalPost(options: InternalPostOptions): MethodDecorator {
  return applyDecorators(
    ApiOperation({ summary: options.summary, ...(options.description ? { description: options.description } : {}) }),
    ApiBody({ type: options.body, required: true }),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'NEW in 1.1, optional. Executed at most once per key for 24 h; a repeat gets the first answer with ' +
        'Idempotent-Replayed: true.',
      schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7E]+$' },
    }),
    ApiOkResponse({ type: options.response, description: 'The outcome, a business failure included' }),
    error(400, 'Malformed JSON', 'Malformed JSON body'),
    error(413, 'A body over 64 KiB', 'Request body is larger than 64 KiB'),
    error(415, 'A content type other than application/json', 'Content-Type must be application/json'),
    ApiResponse({ status: 422, description: 'A body that fails validation', type: ValidationErrorBody }),
    error(
      503,
      [
        options.unavailable,
        'The first request with this Idempotency-Key is alive but still running after 9 s (with Retry-After: 1)',
      ]
        .filter(Boolean)
        .join('; or: '),
      'A request with this Idempotency-Key is still being processed',
    ),
  );
}
