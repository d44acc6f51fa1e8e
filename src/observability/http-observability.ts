import type { FastifyInstance } from 'fastify';
import type { Metrics } from './metrics.service';

/**
 * Echoes the request id (see requestIdOf) as X-Request-Id on every answer, and times every request into
 * the HTTP histogram. Registered on Fastify before Nest adds its routes, so every route has both.
 */
export function observeHttp(fastify: FastifyInstance, metrics: Metrics): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('X-Request-Id', request.id);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    // Unmatched paths share one label: a scanner must not create a series per path it tries.
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}
