import Fastify from 'fastify';
import { createApp } from '../app.ts';
import { describeArtifacts } from '../artifacts/create-artifact-store.ts';
import type { Config } from '../config/config.ts';
import { describeDatabase } from '../db/connect.ts';
import { registerHealthRoute } from '../http/health.routes.ts';
import { registerMetricsRoute } from '../http/metrics.routes.ts';
import type { Logger } from '../shared/logger.ts';
import { onShutdown } from './shutdown.ts';

export class WorkerUnavailableError extends Error {
  override readonly name = 'WorkerUnavailableError';
}

/**
 * `scene worker`: captures and diffs only, for scale-out. It takes jobs from the shared queue
 * (SCENE_QUEUE_URL=redis://, BullMQ) and records into the shared database (Postgres), with
 * no HTTP but an optional health port (SCENE_WORKER_PORT). Any number run on any number of
 * machines; a killed worker's captures are taken over by the others when their lease expires.
 */
export async function worker(config: Config, logger: Logger): Promise<void> {
  if (config.queue.kind === 'in-process') {
    throw new WorkerUnavailableError(
      'scene worker takes its jobs from a shared queue: set SCENE_QUEUE_URL=redis://host:port and ' +
        'SCENE_DATABASE_URL=postgres://… for every scene serve and scene worker process. With the ' +
        'in-process queue (the default), scene serve runs the captures itself.',
    );
  }
  const app = await createApp(config, logger, { liveEvents: false });
  const health = Fastify({ logger: false });
  registerHealthRoute(health, app);
  registerMetricsRoute(health, app, { requireToken: config.auth.mode === 'required' });
  try {
    if (config.workerPort !== undefined) {
      await health.listen({ port: config.workerPort, host: config.host });
    }
    await app.startRunEngine({ embeddedWorker: true });
  } catch (error) {
    await health.close();
    await app.close();
    throw error;
  }
  const address = health.server.address();
  logger.info(
    {
      queue: config.queue.kind,
      database: describeDatabase(config.database),
      artifacts: describeArtifacts(config.artifacts),
      ...(typeof address === 'object' && address !== null && { healthPort: address.port }),
    },
    'Scene worker is running: taking captures from the shared queue',
  );
  // Graceful stop: no new jobs; running captures are aborted and go back to the queue, where
  // another worker takes them.
  onShutdown(logger, async () => {
    await health.close();
    await app.close();
  });
}
