import { HttpException, HttpStatus, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { constantTimeEquals } from '../common/guards/internal-api.guard';
import { AppConfig } from '../config/app-config';

/** GET /metrics is open when METRICS_TOKEN is unset; otherwise it wants `Authorization: Bearer <METRICS_TOKEN>`. */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const token = this.config.metricsToken;
    if (token === undefined) return true;
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
    if (header === undefined)
      throw new HttpException({ error: 'Missing Authorization header' }, HttpStatus.UNAUTHORIZED);
    const match = /^Bearer (\S+)$/.exec(header);
    if (!match) throw new HttpException({ error: 'Invalid Authorization format' }, HttpStatus.UNAUTHORIZED);
    if (!constantTimeEquals(match[1], token)) throw new HttpException({ error: 'Invalid token' }, HttpStatus.FORBIDDEN);
    return true;
  }
}
