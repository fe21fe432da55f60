import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { claimDueDeliveries } from '../../src/webhooks/deliveries.repository.ts';
import { WebhookDeliverer } from '../../src/webhooks/deliverer.ts';
import { recordWebhookEvent } from '../../src/webhooks/outbox.ts';
import { verifyWebhookSignature } from '../../src/webhooks/signing.ts';
import { createScratchDatabase } from '../support/postgres.ts';
import { dialects, openScene, type Dialect } from '../support/test-app.ts';
import {
  api,
  fastDelivery,
  TestReceiver,
  waitFor,
  type DeliveryJson,
  type WebhookJson,
} from './support.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');

/** One database (SQLite file or Postgres scratch database) that several Scene processes share in turn. */
interface SharedDatabase {
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

async function sharedDatabase(dialect: Dialect): Promise<SharedDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scene-webhook-restart-'));
  const scratch = dialect === 'postgres' ? await createScratchDatabase() : undefined;
  return {
    env: { SCENE_DATA_DIR: dataDir, ...(scratch && { SCENE_DATABASE_URL: scratch.url }) },
    async cleanup() {
      if (scratch) {
        await scratch.drop();
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describe.each(dialects)('webhook delivery across restarts on %s', (dialect) => {
  let receiver: TestReceiver;
  let db: SharedDatabase;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    receiver = await TestReceiver.start();
  });
  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
    }
    await db.cleanup();
    receiver.answer = () => 200;
    receiver.requests.length = 0;
  });
  afterAll(async () => {
    await receiver.stop();
  });

  it('delivers events recorded before the process stopped once it runs again', async () => {
    db = await sharedDatabase(dialect);
    const first = await openScene(db.env);
    const client = api(first.server);
    const projectId = await client.createProject('Restart');
    const webhook = await client.createWebhook(projectId, { url: receiver.url() });
    await first.app.db
      .transaction()
      .execute((trx) =>
        recordWebhookEvent(trx, { projectId, type: 'run.finished', data: { run: { id: 'r1' } } }),
      );
    const ping = await client.call<DeliveryJson>('POST', `/webhooks/${webhook.id}/ping`);
    expect(ping.status).toBe(202);
    // This process never delivers (its deliverer is not started) and stops.
    await first.close();
    expect(receiver.requests).toHaveLength(0);

    const second = await openScene(db.env);
    const deliverer = new WebhookDeliverer(second.app, fastDelivery);
    deliverer.start();
    try {
      const deliveries = await waitFor('both delivered', async () => {
        const items = await api(second.server).deliveries(webhook.id);
        return items.length === 2 && items.every((d) => d.status === 'succeeded') && items;
      });
      expect(deliveries.map((d) => d.eventType).sort()).toEqual(['ping', 'run.finished']);
      expect(deliveries.map((d) => d.attemptCount)).toEqual([1, 1]);
      expect(receiver.requests.map((r) => r.deliveryId).sort()).toEqual(
        deliveries.map((d) => d.id).sort(),
      );
      for (const r of receiver.requests) {
        expect(verifyWebhookSignature(webhook.secret ?? '', r.signature, r.body)).toBe(true);
      }
    } finally {
      await deliverer.stop();
      await second.close();
    }
  });

  it('takes over a delivery whose deliverer died holding it, once the lease has run out', async () => {
    db = await sharedDatabase(dialect);
    const first = await openScene(db.env);
    const client = api(first.server);
    const projectId = await client.createProject('Crash');
    const webhook = await client.createWebhook(projectId, { url: receiver.url() });
    await first.app.db
      .transaction()
      .execute((trx) => recordWebhookEvent(trx, { projectId, type: 'run.started', data: {} }));
    // What a deliverer does before sending; then its process is gone.
    const lease = new Date(Date.now() + 500).toISOString();
    const [claim] = await claimDueDeliveries(first.app.db, {
      now: new Date().toISOString(),
      leaseUntil: lease,
      limit: 10,
    });
    expect(claim?.webhookId).toBe(webhook.id);
    await first.close();

    const second = await openScene(db.env);
    const deliverer = new WebhookDeliverer(second.app, fastDelivery);
    deliverer.start();
    try {
      const [delivery] = await waitFor('the delivery', async () => {
        const items = await api(second.server).deliveries(webhook.id, 'status=succeeded');
        return items.length === 1 && items;
      });
      expect(delivery?.id).toBe(claim?.id);
      expect(delivery?.attemptCount).toBe(1);
      // Not before the dead deliverer's lease ended (timestamps compared, not durations).
      expect((delivery?.attempts[0]?.at ?? '') >= lease).toBe(true);
      expect(receiver.requests.map((r) => r.deliveryId)).toEqual([claim?.id]);
    } finally {
      await deliverer.stop();
      await second.close();
    }
  });

  /** `bin/scene serve` as a child process; resolves with its base URL once it listens. */
  async function startScene(): Promise<{ child: ChildProcess; url: string; output: string[] }> {
    const env = { ...process.env };
    for (const key of Object.keys(env)) if (key.startsWith('SCENE_')) delete env[key];
    const child = spawn(path.join(repoRoot, 'bin/scene'), ['serve'], {
      cwd: repoRoot,
      env: {
        ...env,
        ...db.env,
        SCENE_PORT: '0',
        SCENE_HOST: '127.0.0.1',
        SCENE_EMBEDDED_WORKER: 'false',
        SCENE_LOG_LEVEL: 'debug',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    const output: string[] = [];
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const lines = readline.createInterface({ input: child.stdout ?? process.stdin });
    const url = await new Promise<string>((resolve, reject) => {
      child.once('exit', (code) =>
        reject(new Error(`scene serve exited (${code}) before listening:\n${output.join('')}`)),
      );
      lines.on('line', (line) => {
        output.push(line);
        const match = /Scene is running: open http:\/\/localhost:(\d+)/.exec(line);
        if (match) resolve(`http://127.0.0.1:${match[1] ?? ''}`);
      });
    });
    return { child, url, output };
  }

  async function stopScene(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  }

  async function call<T>(base: string, method: string, url: string, body?: unknown) {
    const response = await fetch(`${base}/api/v1${url}`, {
      method,
      ...(body !== undefined && {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    });
    return { status: response.status, json: (await response.json()) as T };
  }

  async function deliveryVia(base: string, id: string): Promise<DeliveryJson> {
    return (await call<DeliveryJson>(base, 'GET', `/deliveries/${id}`)).json;
  }

  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    it(`scene serve stopped by ${signal} mid-delivery: the next scene serve delivers it`, async () => {
      db = await sharedDatabase(dialect);
      // The first request of each delivery hangs, so the stop lands mid-attempt.
      receiver.answer = ({ seen }) => (seen === 0 ? 'hang' : 200);
      const a = await startScene();
      const project = await call<{ id: string }>(a.url, 'POST', '/projects', { name: 'Procs' });
      const webhook = (
        await call<WebhookJson>(a.url, 'POST', `/projects/${project.json.id}/webhooks`, {
          url: receiver.url(),
        })
      ).json;
      const ping = await call<DeliveryJson>(a.url, 'POST', `/webhooks/${webhook.id}/ping`);
      expect(ping.status).toBe(202);
      await waitFor('the first attempt to reach the receiver', () =>
        receiver.requests.some((r) => r.deliveryId === ping.json.id),
      );
      await stopScene(a.child, signal);
      expect(receiver.successes()).toHaveLength(0);

      const b = await startScene();
      // After SIGTERM the delivery was released at once; after SIGKILL the new process waits
      // for the dead one's lease (the 10 s timeout + 5 s) to run out.
      const success = await waitFor(
        'the delivery from the restarted process',
        () => receiver.successes().find((r) => r.deliveryId === ping.json.id),
        40_000,
      );
      const delivery = await waitFor('its success to be recorded', async () => {
        const d = await deliveryVia(b.url, ping.json.id);
        return d.status === 'succeeded' && d;
      });
      await stopScene(b.child, 'SIGTERM');

      // Same Scene-Delivery id on both requests; the receiver answered one of them.
      const seen = receiver.requests.filter((r) => r.deliveryId === ping.json.id);
      expect(seen.map((r) => r.answer)).toEqual(['hang', 200]);
      expect(seen[0]?.body).toBe(success.body);
      expect(verifyWebhookSignature(webhook.secret ?? '', success.signature, success.body)).toBe(
        true,
      );
      if (signal === 'SIGTERM') {
        // The interrupted attempt was logged and the row released for the next process.
        expect(delivery.attempts.map((x) => x.error ?? x.statusCode)).toEqual([
          'aborted: Scene is shutting down',
          200,
        ]);
      } else {
        // The killed process never wrote its attempt: Scene logs what it knows.
        expect(delivery.attempts.map((x) => x.statusCode)).toEqual([200]);
      }
      const output = [...a.output, ...b.output].join('\n');
      expect(output).toContain('webhook attempt');
      expect(output).not.toContain(webhook.secret ?? 'no secret');
    }, 90_000);
  }
});
