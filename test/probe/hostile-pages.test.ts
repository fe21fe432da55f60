import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserPool } from '../../src/capture/browser-pool.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { createBatch, injectClient, pollRun, type SceneClient } from '../support/scene-client.ts';

// Pages that fight the capture: a script that never yields, dialogs, popups, a page that
// navigates away or starts a download, one that eats memory. Whatever they do, the process
// survives and each execution ends, as finished or with a failure that says what happened.

const hostile: Record<string, string> = {
  '/loop': '<h1>loop</h1><script>setTimeout(() => { for (;;) {} }, 50)</script>',
  '/alert': '<h1>alert</h1><script>alert("hi"); confirm("sure?"); prompt("name?")</script>',
  '/beforeunload':
    '<h1>unload</h1><script>addEventListener("beforeunload", (e) => { e.preventDefault(); e.returnValue = "stay"; })</script>',
  '/popup': '<h1>popup</h1><script>window.open("/alert"); window.open("/loop", "_blank")</script>',
  '/away': '<h1>away</h1><script>setTimeout(() => { location.href = "/alert" }, 10)</script>',
  '/download':
    '<h1>download</h1><script>const a = document.createElement("a"); a.href = "/file.bin"; a.download = "x.bin"; document.body.append(a); a.click()</script>',
  '/memory':
    '<h1>memory</h1><script>const keep = []; setInterval(() => { for (let i = 0; i < 50; i++) keep.push(new Array(1e6).fill(i)) }, 10)</script>',
};

describe('hostile pages', () => {
  let site: Server;
  let siteUrl: string;
  let t: TestApp;
  let api: SceneClient;
  let pool: BrowserPool;

  beforeAll(async () => {
    site = createServer((req, res) => {
      if (req.url === '/file.bin') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(Buffer.alloc(100_000));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(hostile[req.url ?? ''] ?? '<h1>ok</h1>');
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    t = await createTestApp('sqlite');
    api = injectClient(t.server);
    pool = new BrowserPool();
    await pool.acquire('chromium');
    await t.app.startRunEngine({ pool, checkIntervalMs: 100 });
    await api.ok('PATCH', '/settings', { maxConcurrentExecutions: 4, executionTimeoutSeconds: 5 });
  });
  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => site.close(resolve));
    site.closeAllConnections();
  });

  it('ends every execution with a clear outcome, and the process goes on capturing', async () => {
    const { batchId } = await createBatch(api, {
      pages: Object.keys(hostile).map((p) => ({ name: p.slice(1), url: siteUrl + p })),
    });
    const run = await api.launchRun(batchId, { mode: 'baseline' });
    await pollRun(api, run.id, undefined, 120_000);
    const executions = await api.listExecutions(run.id);
    const outcomes = Object.fromEntries(
      executions.map((e) => [e.pageId, `${e.status}: ${e.error ?? ''}`]),
    );
    for (const execution of executions) {
      expect(['finished', 'failed', 'cancelled']).toContain(execution.status);
      if (execution.status !== 'finished')
        expect(execution.error ?? execution.cancelReason).toBeTruthy();
    }
    expect(Object.keys(outcomes)).toHaveLength(Object.keys(hostile).length);
    // The engine still captures an ordinary page afterwards.
    const after = await createBatch(api, { pages: [{ name: 'ok', url: `${siteUrl}/ok` }] });
    const next = await api.launchRun(after.batchId, { mode: 'baseline' });
    expect((await pollRun(api, next.id)).status).toBe('finished');
  });
});
