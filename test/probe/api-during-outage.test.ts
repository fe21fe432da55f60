import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase } from '../support/postgres.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import { openScene, type OpenScene } from '../support/test-app.ts';

// The API while Postgres is unreachable (a proxy the test owns is cut; the shared server is
// never touched): every request gets a clear answer — 503 `unavailable` with a message that
// says the database is unreachable, never a bare 500 — and the same requests succeed once the
// database is back, without a restart.

describe('the API during a database outage (postgres)', () => {
  let proxy: TcpProxy;
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let scene: OpenScene;
  let dataDir: string;

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    const target = new URL(scratch.url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(scratch.url);
    viaProxy.port = String(proxy.port);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scene-outage-api-'));
    scene = await openScene({
      SCENE_DATA_DIR: dataDir,
      SCENE_DATABASE_URL: viaProxy.toString(),
      SCENE_EMBEDDED_WORKER: 'false',
    });
  });
  afterAll(async () => {
    await proxy.restore();
    await scene.close();
    await proxy.close();
    await scratch.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const send = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: object) => {
    const response = await scene.server.inject({
      method,
      url,
      ...(body !== undefined && { payload: body }),
    });
    return { status: response.statusCode, text: response.body };
  };

  it('answers 503 unavailable while it lasts, and works again after', async () => {
    const project = JSON.parse((await send('POST', '/api/v1/projects', { name: 'p' })).text) as {
      id: string;
    };
    const page = JSON.parse(
      (
        await send('POST', `/api/v1/projects/${project.id}/pages`, {
          name: 'home',
          url: 'https://site.test/',
        })
      ).text,
    ) as { id: string };
    const batch = JSON.parse(
      (
        await send('POST', `/api/v1/projects/${project.id}/batches`, {
          name: 'b',
          pageIds: [page.id],
          browsers: ['chromium'],
          viewports: ['desktop'],
        })
      ).text,
    ) as { id: string };
    const run = JSON.parse(
      (await send('POST', `/api/v1/batches/${batch.id}/runs`, { mode: 'baseline' })).text,
    ) as { id: string };
    const requests = [
      ['GET', '/api/v1/projects'],
      ['GET', `/api/v1/projects/${project.id}`],
      ['POST', '/api/v1/projects', { name: 'during' }],
      ['PATCH', `/api/v1/pages/${page.id}`, { name: 'renamed' }],
      ['POST', `/api/v1/batches/${batch.id}/runs`, { mode: 'baseline' }],
      ['GET', `/api/v1/runs/${run.id}`],
      ['POST', `/api/v1/runs/${run.id}/cancel`, {}],
      ['DELETE', `/api/v1/projects/${project.id}`],
      ['GET', '/api/v1/audit'],
      ['GET', '/api/v1/settings'],
      ['GET', '/api/v1/artifacts/runs/x/y.png'],
    ] as const;
    await proxy.cut();
    const during: string[] = [];
    for (const [method, url, body] of requests) {
      const response = await send(method, url, body);
      during.push(`${method} ${url} -> ${response.status} ${response.text.slice(0, 160)}`);
    }
    // The UI says it too, on its error page.
    const ui = await scene.server.inject({ url: '/projects', headers: { accept: 'text/html' } });
    await proxy.restore();
    expect(ui.statusCode).toBe(503);
    expect(ui.body).toContain('the database is unreachable');
    const bad = during.filter((line) => !/ -> 503 .*"code":"unavailable"/.test(line));
    expect(bad, during.join('\n')).toEqual([]);
    expect((await send('GET', `/api/v1/runs/${run.id}`)).status).toBe(200);
    expect((await send('POST', `/api/v1/runs/${run.id}/cancel`, {})).status).toBe(200);
  });
});
