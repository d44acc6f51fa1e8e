import {
  HttpException,
  HttpStatus,
  Injectable,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';

/** The contract's words for errors Fastify raises before a request reaches a controller. */
const TRANSPORT_ERRORS: Record<number, string> = {
  400: 'Malformed JSON body',
  413: 'Request body is larger than 64 KiB',
  415: 'Content-Type must be application/json',
};

/**
 * Gives every HTTP error the contract's shape: `{error: "..."}`, or `{detail: [...]}` for 422.
 * Anything unexpected is a 500 with one logged stack and no internals in the body.
 */
@Injectable()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpExceptionFilter.name);

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
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    void reply.status(HttpStatus.INTERNAL_SERVER_ERROR).send({ error: 'Internal server error' });
  }
}
