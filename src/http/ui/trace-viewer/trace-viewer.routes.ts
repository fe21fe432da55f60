import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { UiApp } from '../shared/ui-types.ts';

// Playwright's trace viewer, as playwright-core ships it (lib/vite/traceViewer), served by
// Scene under /trace-viewer/: "Open trace" links to /trace-viewer/index.html?trace=<artifact
// URL>. Its service worker (sw.bundle.js, scoped to /trace-viewer/) fetches the trace from the
// same origin, so the artifact's access rules apply to it as to any other download.

const require = createRequire(import.meta.url);
const viewerDir = path.join(
  path.dirname(require.resolve('playwright-core/package.json')),
  'lib',
  'vite',
  'traceViewer',
);

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ttf': 'font/ttf',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
  '.json': 'application/json',
};

/** The trace viewer page for a trace artifact URL (e.g. /api/v1/artifacts/…-trace.zip). */
export function traceViewerHref(traceUrl: string): string {
  return `/trace-viewer/index.html?${new URLSearchParams({ trace: traceUrl }).toString()}`;
}

export function registerTraceViewer(app: UiApp): void {
  app.get('/trace-viewer/*', { schema: { hide: true } }, async (request, reply) => {
    const { '*': rest = '' } = request.params as { '*'?: string };
    const file = path.resolve(viewerDir, rest === '' ? 'index.html' : rest);
    // Only files inside the viewer's directory.
    if (!file.startsWith(viewerDir + path.sep)) {
      return reply.status(404).type('text/plain').send('not found');
    }
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return reply.status(404).type('text/plain').send('not found');
    }
    return reply
      .header('cache-control', 'no-cache')
      .type(contentTypes[path.extname(file)] ?? 'application/octet-stream')
      .send(body);
  });
}
