import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import { openArtifact } from '../../artifacts/artifacts.service.ts';
import { errorResponses, type ApiApp } from './api-types.ts';

/** Keys hold a fresh id: the bytes behind a URL never change, so clients may cache forever. */
const immutable = 'public, max-age=31536000, immutable';

export function registerArtifactRoutes(app: ApiApp, ctx: AppContext): void {
  app.get('/artifacts/*', {
    schema: {
      tags: ['artifacts'],
      summary: 'A stored file: screenshot, diff, heatmap, reference, trace, log',
      description:
        'The URLs in Execution.artifacts. Immutable: served with a one-year `Cache-Control: immutable`.',
      params: z.object({ '*': z.string().min(1).max(1000) }),
      // Streamed as is: Fastify serializes only plain objects, never streams.
      response: { 200: z.unknown().describe('The file'), 404: errorResponses[404] },
    },
    handler: async (request, reply) => {
      const { stream, size, contentType } = await openArtifact(ctx, request.params['*']);
      const fileName = request.params['*'].split('/').at(-1) ?? 'artifact';
      return reply
        .header('content-type', contentType)
        .header('content-length', size)
        .header('cache-control', immutable)
        .header('x-content-type-options', 'nosniff')
        .header(
          'content-disposition',
          `${contentType.startsWith('image/') || contentType.startsWith('text/') ? 'inline' : 'attachment'}; filename="${fileName}"`,
        )
        .send(stream);
    },
  });
}
