import { createApp } from '../app.ts';
import type { Config } from '../config/config.ts';
import { describeArtifacts } from '../artifacts/create-artifact-store.ts';
import { describeDatabase } from '../db/connect.ts';
import { buildServer } from '../http/server.ts';
import type { Logger } from '../shared/logger.ts';
import { startScheduler } from '../schedules/scheduler.ts';
import { onShutdown } from './shutdown.ts';

/** `scene serve`: HTTP (API, UI, artifacts) plus, by default, the embedded worker. */
export async function serve(config: Config, logger: Logger): Promise<void> {
  const app = await createApp(config, logger);
  // The port first: a second `scene serve` on the same data (EADDRINUSE) must leave everything
  // alone, so nothing is changed in the database before it listens (migrations already
  // applied are a no-op). Then the run engine takes over executions whose process is gone —
  // only those whose lease expired — and dispatches the queued ones.
  const server = await buildServer(app);
  try {
    await server.listen({ port: config.port, host: config.host });
    await app.startRunEngine();
  } catch (error) {
    await server.close();
    await app.close();
    throw error;
  }
  app.webhookDeliverer.start(); // stopped by app.close()
  // Scheduled runs: every serve process checks; a database claim lets one launch each fire.
  const scheduler = startScheduler(app);
  const address = server.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  logger.info(
    {
      url: `http://localhost:${port}`,
      database: describeDatabase(config.database),
      artifacts: describeArtifacts(config.artifacts),
      queue: config.queue.kind,
      embeddedWorker: config.embeddedWorker,
    },
    `Scene is running: open http://localhost:${port}`,
  );
  // Graceful stop: the HTTP server stops accepting (live event streams are ended), then the
  // engine stops taking jobs and re-queues the executions it was running, then the database
  // closes. A restart finishes those runs.
  onShutdown(logger, async () => {
    await server.close();
    await scheduler.stop();
    await app.close();
  });
}
