import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.ts';
import { observeHttpRequest, renderMetrics } from '../metrics/metrics.ts';
import { principalOfBearer } from './auth/bearer.ts';

/**
 * `GET /metrics`: Prometheus text format, at the root (not under /api/v1, where scrapers do not
 * look). Served by `scene serve` and by `scene worker` on SCENE_WORKER_PORT.
 */
export function registerMetricsRoute(
  app: FastifyInstance,
  ctx: Pick<AppContext, 'db' | 'queue' | 'logger'>,
  /** `scene worker` with authentication required: a valid API token is needed. */
  options: { requireToken?: boolean } = {},
): void {
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (options.requireToken && !(await principalOfBearer(ctx.db, request.headers.authorization))) {
      return reply
        .status(401)
        .header('www-authenticate', 'Bearer realm="scene"')
        .send({
          error: {
            code: 'unauthorized',
            message: 'send an API token as Authorization: Bearer scene_…',
          },
        });
    }
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
