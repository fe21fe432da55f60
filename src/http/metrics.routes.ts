import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.ts';
import { observeHttpRequest, renderMetrics } from '../metrics/metrics.ts';

/**
 * `GET /metrics`: Prometheus text format, at the root (not under /api/v1, where scrapers do not
 * look). Served by `scene serve` and by `scene worker` on SCENE_WORKER_PORT.
 */
export function registerMetricsRoute(
  app: FastifyInstance,
  ctx: Pick<AppContext, 'db' | 'queue' | 'logger'>,
): void {
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const { contentType, body } = await renderMetrics(ctx);
    return reply.type(contentType).send(body);
  });
}

/** Records every answered request in scene_http_request_duration_seconds. */
export function measureHttpRequests(app: FastifyInstance): void {
  app.addHook('onResponse', (request, reply, done) => {
    observeHttpRequest(
      request.routeOptions.url,
      request.method,
      reply.statusCode,
      reply.elapsedTime,
    );
    done();
  });
}
