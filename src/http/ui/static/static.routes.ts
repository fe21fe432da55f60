import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { UiApp } from '../shared/ui-types.ts';
import { clientBundle, clientEntries, type BuiltAsset } from './client-bundle.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

function fileAsset(file: string): BuiltAsset {
  const body = readFileSync(file);
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 20)}"` };
}

const require = createRequire(import.meta.url);

function fromPackage(specifier: string): string {
  return require.resolve(specifier);
}

function sendAsset(
  request: FastifyRequest,
  reply: FastifyReply,
  asset: BuiltAsset,
  contentType: string,
): FastifyReply {
  // Revalidated on every load (cheap 304s), so a new Scene version is picked up at once.
  reply.header('cache-control', 'no-cache').header('etag', asset.etag);
  if (request.headers['if-none-match'] === asset.etag) return reply.status(304).send();
  return reply.type(contentType).send(asset.body);
}

/**
 * Everything the UI loads is served by Scene itself: htmx and its SSE extension from
 * node_modules (htmx 4 ships SSE as dist/ext/hx-sse.js; the separate htmx-ext-sse package
 * targets htmx 2), the stylesheet, and the client TypeScript bundled with esbuild.
 */
export function registerStaticAssets(app: UiApp): void {
  const files: Record<string, { asset: () => BuiltAsset; type: string }> = {};
  const lazyFile = (file: string, type: string) => {
    let cached: BuiltAsset | undefined;
    return { asset: () => (cached ??= fileAsset(file)), type };
  };
  files['htmx.js'] = lazyFile(
    fromPackage('htmx.org/dist/htmx.min.js'),
    'text/javascript; charset=utf-8',
  );
  files['hx-sse.js'] = lazyFile(
    fromPackage('htmx.org/dist/ext/hx-sse.min.js'),
    'text/javascript; charset=utf-8',
  );
  files['app.css'] = lazyFile(path.join(here, 'app.css'), 'text/css; charset=utf-8');
  files['favicon.svg'] = lazyFile(path.join(here, 'favicon.svg'), 'image/svg+xml');

  app.get('/static/:file', { schema: { hide: true } }, async (request, reply) => {
    const { file } = request.params as { file: string };
    const entry = clientEntries.find((name) => `${name}.js` === file);
    if (entry) {
      return sendAsset(request, reply, await clientBundle(entry), 'text/javascript; charset=utf-8');
    }
    const known = files[file];
    if (!known) return reply.status(404).type('text/plain').send('not found');
    return sendAsset(request, reply, known.asset(), known.type);
  });
}
