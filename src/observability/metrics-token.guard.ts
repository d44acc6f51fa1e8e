import { HttpException, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { authorizationRefusal } from '../common/guards/internal-api.guard';
import { AppConfig } from '../config/app-config';

/** GET /metrics is open when METRICS_TOKEN is unset; otherwise it wants `Authorization: Bearer <METRICS_TOKEN>`. */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const token = this.config.metricsToken;
    if (token === undefined) return true;
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
    const refusal = authorizationRefusal(header, token, 'Invalid token');
    if (refusal) throw new HttpException({ error: refusal.error }, refusal.status);
    return true;
  }
}
