import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.ts';
import { pingDatabase } from '../db/health.ts';

/** `GET /healthz`: 200 while the database answers, else 503. Served by `scene serve` and `scene worker`. */
export function registerHealthRoute(
  app: FastifyInstance,
  ctx: Pick<AppContext, 'db' | 'logger'>,
): void {
  app.get('/healthz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await pingDatabase(ctx.db);
      return { status: 'ok' };
    } catch (error) {
      ctx.logger.error({ err: error }, 'health check: database unreachable');
      return reply.status(503).send({ status: 'unavailable', database: 'unreachable' });
    }
  });
}
