import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookDeliverer } from '../../src/webhooks/deliverer.ts';
import { recordWebhookEvent } from '../../src/webhooks/outbox.ts';
import { signWebhookBody } from '../../src/webhooks/signing.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { api, fastDelivery, waitFor, type DeliveryJson } from './support.ts';

// The receiver printed in the README's Webhooks section, run as it stands against real
// deliveries: what the README tells people to do works.

const readme = fs.readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
const marker = '<!-- webhook-receiver-example: tested, keep in sync -->';

function readmeReceiverSource(): string {
  const after = readme.slice(readme.indexOf(marker) + marker.length);
  const match = /^\s*```js\n([\s\S]*?)\n```/.exec(after);
  if (!readme.includes(marker) || !match?.[1]) throw new Error('README receiver example not found');
  return match[1];
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the README webhook receiver', () => {
  let t: TestApp;
  let receiver: ChildProcess | undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scene-readme-receiver-'));

  beforeAll(async () => {
    t = await createTestApp('sqlite');
  });
  afterAll(async () => {
    receiver?.kill('SIGKILL');
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('verifies, de-duplicates and acknowledges real deliveries; rejects forged ones', async () => {
    const file = path.join(dir, 'receiver.mjs');
    fs.writeFileSync(file, readmeReceiverSource());
    const port = await freePort();
    const client = api(t.server);
    const projectId = await client.createProject('Readme');
    const webhook = await client.createWebhook(projectId, { url: `http://127.0.0.1:${port}/` });
    const secret = webhook.secret ?? '';

    receiver = spawn(process.execPath, [file], {
      env: { PATH: process.env.PATH ?? '', WEBHOOK_SECRET: secret, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const printed: string[] = [];
    readline
      .createInterface({ input: receiver.stdout ?? process.stdin })
      .on('line', (line) => printed.push(line));
    await waitFor(
      'the receiver to listen',
      () =>
        new Promise<boolean>((resolve) => {
          const socket = net.connect(port, '127.0.0.1');
          socket.once('connect', () => {
            socket.destroy();
            resolve(true);
          });
          socket.once('error', () => resolve(false));
        }),
    );

    const deliverer = new WebhookDeliverer(t.app, fastDelivery);
    deliverer.start();
    try {
      const ping = (await client.call<DeliveryJson>('POST', `/webhooks/${webhook.id}/ping`)).json();
      await t.app.db
        .transaction()
        .execute((trx) =>
          recordWebhookEvent(trx, { projectId, type: 'run.finished', data: { run: { id: 'r1' } } }),
        );
      const delivered = await waitFor('both deliveries', async () => {
        const items = await client.deliveries(webhook.id, 'status=succeeded');
        return items.length === 2 && items;
      });
      for (const d of delivered) {
        expect(d.attempts.map((a) => a.statusCode)).toEqual([204]);
      }
      const finished = delivered.find((d) => d.eventType === 'run.finished');
      await waitFor('both printed', () => printed.length === 2);
      expect(printed.sort()).toEqual(
        [`ping ${ping.eventId}`, `run.finished ${finished?.eventId ?? ''}`].sort(),
      );

      // A redelivery has a new Scene-Delivery id: processed again.
      const again = await client.call<DeliveryJson>('POST', `/deliveries/${ping.id}/redeliver`);
      expect(again.status).toBe(202);
      await waitFor('the redelivery printed', () => printed.length === 3);
      expect(printed[2]).toBe(`ping ${ping.eventId}`);
    } finally {
      await deliverer.stop();
    }

    // By hand: a retry (same Scene-Delivery) is acknowledged but not processed twice; a wrong
    // secret, a changed body or an old timestamp is refused.
    const body = JSON.stringify({ id: 'evt-manual', type: 'ping', createdAt: '', data: {} });
    const send = (signature: string, payload = body, deliveryId = 'manual-delivery') =>
      fetch(`http://127.0.0.1:${port}/`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'scene-event': 'ping',
          'scene-delivery': deliveryId,
          'scene-signature': signature,
        },
        body: payload,
      }).then((r) => r.status);
    const now = Math.floor(Date.now() / 1000);
    expect(await send(signWebhookBody(secret, body, now))).toBe(204);
    expect(await send(signWebhookBody(secret, body, now))).toBe(204);
    expect(await send(signWebhookBody('whsec_wrong', body, now), body, 'd2')).toBe(401);
    expect(await send(signWebhookBody(secret, body, now), `${body} `, 'd3')).toBe(401);
    expect(await send(signWebhookBody(secret, body, now - 3600), body, 'd4')).toBe(401);
    expect(await send('', body, 'd5')).toBe(401);
    await waitFor('the manual event printed', () => printed.length === 4);
    expect(printed.filter((line) => line === 'ping evt-manual')).toHaveLength(1);
  });
});
