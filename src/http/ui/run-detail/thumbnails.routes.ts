import sharp from 'sharp';
import type { AppContext } from '../../../app-context.ts';
import { findArtifact } from '../../../artifacts/artifacts.service.ts';
import { AppError } from '../../../shared/errors.ts';
import type { UiApp } from '../shared/ui-types.ts';

const width = 320;
const height = 200;
const cacheLimit = 400;

/**
 * Small previews of screenshots for the executions grid: the top of the page, resized with
 * sharp. Artifacts never change under a key, so previews are cached in memory (bounded,
 * oldest out) and by browsers forever. The artifact's record is looked up on every request,
 * cached preview or not: once its run or project is deleted, its preview is 404 too.
 */
export function registerThumbnailRoutes(app: UiApp, ctx: AppContext): void {
  const cache = new Map<string, Promise<Buffer>>();

  const thumbnail = (key: string): Promise<Buffer> => {
    let cached = cache.get(key);
    if (!cached) {
      cached = (async () =>
        sharp(await ctx.artifacts.get(key))
          .resize({ width, height, fit: 'cover', position: 'top' })
          .webp({ quality: 72 })
          .toBuffer())();
      cached.catch(() => cache.delete(key));
      cache.set(key, cached);
      if (cache.size > cacheLimit) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
    }
    return cached;
  };

  app.get('/thumbnails/*', async (request, reply) => {
    const key = (request.params as { '*': string })['*'];
    const artifact = await findArtifact(ctx, key);
    if (!artifact.contentType.startsWith('image/')) {
      throw new AppError(
        'not_found',
        `artifact '${key}' is not an image (${artifact.contentType}): it has no thumbnail`,
      );
    }
    const body = await thumbnail(artifact.fileKey);
    return reply
      .type('image/webp')
      .header('cache-control', 'public, max-age=31536000, immutable')
      .send(body);
  });
}
