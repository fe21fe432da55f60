import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import { chromiumVersion, sceneVersion } from '../../metrics/versions.ts';
import type { ApiApp } from './api-types.ts';

const versionSchema = z.object({
  scene: z.string().describe('Scene version (package.json), e.g. 0.1.0'),
  chromium: z
    .string()
    .nullable()
    .describe(
      'Chromium version captures run in: the launched browser, else the executable found; null without one',
    ),
  node: z.string().describe('Node.js version, without the v: e.g. 20.19.0'),
  database: z.enum(['sqlite', 'postgres']),
  queue: z.enum(['in-process', 'bullmq']),
  artifacts: z.enum(['disk', 's3']),
});

export function registerVersionRoutes(app: ApiApp, ctx: AppContext): void {
  app.get('/version', {
    schema: {
      tags: ['operations'],
      summary:
        'Versions of Scene, Chromium and Node, and the kinds of database, queue and artifact store in use',
      response: { 200: versionSchema },
    },
    handler: async () => ({
      scene: sceneVersion,
      chromium: await chromiumVersion(ctx.config.chromiumPath),
      node: process.versions.node,
      database: ctx.config.database.dialect,
      queue: ctx.config.queue.kind,
      artifacts: ctx.config.artifacts.kind,
    }),
  });
}
