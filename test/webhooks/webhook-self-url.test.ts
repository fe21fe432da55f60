import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookDeliverer } from '../../src/webhooks/deliverer.ts';
import { createTestApp, dialects, type TestApp } from '../support/test-app.ts';
import { fastDelivery, waitFor } from './support.ts';

/**
 * A webhook whose URL is Scene's own address makes Scene call itself: a webhook on its own
 * /ping delivered 1,700 times in 5 s. Such URLs are refused (422) at create and PATCH, whether
 * they name the public URL or this server's listening port on a local address.
 */
describe.each(dialects)('webhook URLs pointing at this Scene on %s', (dialect) => {
  let t: TestApp;
  let port: number;
  let base: string;
  let projectId: string;
  let webhookId: string;

  beforeAll(async () => {
    t = await createTestApp(dialect, { SCENE_PUBLIC_URL: 'https://scene.example.com' });
    await t.server.listen({ host: '0.0.0.0', port: 0 });
    const address = t.server.server.address();
    if (address === null || typeof address !== 'object') throw new Error('not listening');
    port = address.port;
    base = `http://127.0.0.1:${port}/api/v1`;
    projectId = (await call('POST', '/projects', { name: 'Self' })).body.id;
    webhookId = (await call('POST', `/projects/${projectId}/webhooks`, { url: 'https://h.test/' }))
      .body.id;
  });
  afterAll(() => t.close());

  async function call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: { id: string; url: string; error?: { message: string } } }> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as never };
  }

  const lanAddresses = () =>
    Object.values(os.networkInterfaces())
      .flat()
      .filter((a) => a !== undefined && !a.internal)
      .map((a) => (a?.family === 'IPv6' ? `[${a.address}]` : (a?.address ?? '')))
      .filter((a) => !a.includes('%'));

  const ownUrls = () => [
    `http://127.0.0.1:${port}/api/v1/webhooks/${webhookId}/ping`,
    `http://localhost:${port}/`,
    `http://LOCALHOST.:${port}/`,
    `http://scene.localhost:${port}/`,
    `http://127.8.9.10:${port}/`,
    `http://0.0.0.0:${port}/`,
    `http://[::1]:${port}/`,
    `http://[::]:${port}/`,
    `http://[::ffff:127.0.0.1]:${port}/`,
    `http://2130706433:${port}/`, // 127.0.0.1 as one number
    `http://${os.hostname()}:${port}/`,
    ...lanAddresses().map((a) => `http://${a}:${port}/`),
    'https://scene.example.com/api/v1/webhooks/x/ping',
    'https://scene.example.com:443/',
    'https://SCENE.example.com./hook',
  ];

  it('refuses them at create with 422 and a clear message, creating nothing', async () => {
    for (const url of ownUrls()) {
      const response = await call('POST', `/projects/${projectId}/webhooks`, { url });
      expect(response.status, url).toBe(422);
      expect(response.body.error?.message, url).toMatch(/points at this Scene.*loop/);
    }
    const audit = await call('GET', `/audit?projectId=${projectId}&entityType=webhook`);
    expect((audit.body as unknown as { items: unknown[] }).items).toHaveLength(1);
  });

  it('refuses them at PATCH, leaving the webhook as it was', async () => {
    for (const url of ownUrls()) {
      const response = await call('PATCH', `/webhooks/${webhookId}`, { url });
      expect(response.status, url).toBe(422);
    }
    expect((await call('GET', `/webhooks/${webhookId}`)).body.url).toBe('https://h.test/');
  });

  it('accepts other ports on this machine and other hosts', async () => {
    const otherPort = port === 65535 ? port - 1 : port + 1;
    for (const url of [
      `http://127.0.0.1:${otherPort}/hook`,
      `http://localhost:${otherPort}/hook`,
      'https://hooks.example.com/scene',
      'https://scene.example.com:8443/hook',
      'http://scene.example.com/hook', // port 80: not the public URL's 443
    ]) {
      const response = await call('PATCH', `/webhooks/${webhookId}`, { url });
      expect(response.status, `${url}: ${JSON.stringify(response.body)}`).toBe(200);
    }
  });

  it('does not send to one saved before the rule: the attempt fails, Scene is not called', async () => {
    // As a database from before this rule holds it: written directly, past the service.
    const own = `http://127.0.0.1:${port}/api/v1/webhooks/${webhookId}/ping`;
    await t.app.db.updateTable('webhooks').set({ url: own }).where('id', '=', webhookId).execute();
    const deliverer = new WebhookDeliverer(t.app, fastDelivery);
    deliverer.start();
    try {
      const ping = await call('POST', `/webhooks/${webhookId}/ping`);
      expect(ping.status).toBe(202);
      const attempt = await waitFor('the refused attempt', async () => {
        const delivery = (await call('GET', `/deliveries/${ping.body.id}`)).body as unknown as {
          attempts: { error?: string; statusCode?: number }[];
        };
        return delivery.attempts[0];
      });
      expect(attempt.statusCode).toBeUndefined();
      expect(attempt.error).toMatch(/points at this Scene/);
      const deliveries = (await call('GET', `/webhooks/${webhookId}/deliveries`))
        .body as unknown as {
        items: unknown[];
      };
      expect(deliveries.items).toHaveLength(1); // no ping queued by a delivery to /ping
    } finally {
      await deliverer.stop();
    }
  });
});
