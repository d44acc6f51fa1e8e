import {
  HttpException,
  HttpStatus,
  Injectable,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { isStorageUnavailable } from '../../storage/storage-errors';

/** The contract's words for errors Fastify raises before a request reaches a controller. */
const TRANSPORT_ERRORS: Record<number, string> = {
  400: 'Malformed JSON body',
  413: 'Request body is larger than 64 KiB',
  415: 'Content-Type must be application/json',
};

/** A store that cannot answer is said at warn level at most this often (an outage is one event, not thousands). */
const STORAGE_WARN_EVERY_MS = 30_000;

/**
 * Gives every HTTP error the contract's shape: `{error: "..."}`, or `{detail: [...]}` for 422. A store that
 * cannot be used (database unreachable or too slow, disk full) is 503 `{"error":"storage unavailable"}`: nothing
 * was stored, and the caller may try again. Anything else unexpected is a 500 with one logged stack and no
 * internals in the body.
 */
@Injectable()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpExceptionFilter.name);
  private storageWarnedAt = Number.NEGATIVE_INFINITY;

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const shaped =
        typeof body === 'object' && body !== null && ('error' in body || 'detail' in body)
          ? body
          : { error: TRANSPORT_ERRORS[status] ?? (typeof body === 'string' ? body : exception.message) };
      void reply.status(status).send(shaped);
      return;
    }
    if (isStorageUnavailable(exception)) {
      if (Date.now() - this.storageWarnedAt >= STORAGE_WARN_EVERY_MS) {
        this.storageWarnedAt = Date.now();
        this.logger.warn(`Storage unavailable, answering 503: ${(exception as Error).message}`);
      }
      void reply
        .status(HttpStatus.SERVICE_UNAVAILABLE)
        .header('retry-after', '1')
        .send({ error: 'storage unavailable' });
      return;
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    void reply.status(HttpStatus.INTERNAL_SERVER_ERROR).send({ error: 'Internal server error' });
  }
}
