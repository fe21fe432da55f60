import { createApp } from '../app.ts';
import type { Config } from '../config/config.ts';
import { describeDatabase } from '../db/connect.ts';
import { buildServer } from '../http/server.ts';
import type { Logger } from '../shared/logger.ts';
import { onShutdown } from './shutdown.ts';

/** `scene serve`: HTTP (API, UI, artifacts) plus, by default, the embedded worker. */
export async function serve(config: Config, logger: Logger): Promise<void> {
  const app = await createApp(config, logger);
  // Recovery runs before anything is served: executions a killed process left `running` are
  // re-queued (or failed once their attempts are spent) and queued ones dispatched again.
  try {
    await app.startRunEngine();
  } catch (error) {
    await app.close();
    throw error;
  }
  const server = await buildServer(app);
  await server.listen({ port: config.port, host: config.host });
  app.webhookDeliverer.start(); // stopped by app.close()
  const address = server.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  logger.info(
    {
      url: `http://localhost:${port}`,
      database: describeDatabase(config.database),
      artifacts: config.artifactsDir,
      embeddedWorker: config.embeddedWorker,
    },
    `Scene is running: open http://localhost:${port}`,
  );
  // Graceful stop: the HTTP server stops accepting (live event streams are ended), then the
  // engine stops taking jobs and re-queues the executions it was running, then the database
  // closes. A restart finishes those runs.
  onShutdown(logger, async () => {
    await server.close();
    await app.close();
  });
}
