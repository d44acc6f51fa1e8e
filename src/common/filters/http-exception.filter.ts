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
  404: 'Not found',
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
      // Ours carry `error` or `detail` alone; Nest's own ({message, error, statusCode}, an unknown route's 404
      // among them) get the contract's shape too.
      const ours = typeof body === 'object' && body !== null && !('statusCode' in body);
      const shaped =
        ours && ('error' in body || 'detail' in body)
          ? body
          : { error: TRANSPORT_ERRORS[status] ?? (typeof body === 'string' ? body : exception.message) };
      void reply.status(status).send(shaped);
      return;
    }
    // (Node's own errors are read by their message: under a test runner they come from another realm.)
    if ((exception as { message?: unknown } | null)?.message === 'aborted') {
      // The client went away while sending its body: nothing to answer, nothing broken here.
      this.logger.log('Request aborted by the client before its body was in');
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
