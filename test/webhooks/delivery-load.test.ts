import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookDeliverer } from '../../src/webhooks/deliverer.ts';
import { recordWebhookEvent } from '../../src/webhooks/outbox.ts';
import { verifyWebhookSignature } from '../../src/webhooks/signing.ts';
import type { WebhookEventType } from '../../src/webhooks/webhook-events.ts';
import { createTestApp, dialects, type TestApp } from '../support/test-app.ts';
import { api, fastDelivery, TestReceiver, waitFor } from './support.ts';

const runs = 200;

describe.each(dialects)('webhook delivery at volume on %s', (dialect) => {
  let t: TestApp;
  let receiver: TestReceiver;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    receiver = await TestReceiver.start();
  });
  afterAll(async () => {
    await receiver.stop();
    await t.close();
  });

  it(`delivers ${runs} runs' events to 3 webhooks with none lost or duplicated, with two deliverers competing`, async () => {
    const client = api(t.server);
    const projectId = await client.createProject('Volume');
    const webhooks = await Promise.all(
      ['/a', '/b', '/c'].map((path) =>
        client.createWebhook(projectId, { url: receiver.url(path) }),
      ),
    );
    const secretByPath = new Map(webhooks.map((w) => [new URL(w.url).pathname, w.secret ?? '']));
    // Every 7th request fails with a 500, so retries mix with first attempts.
    let requestNumber = 0;
    receiver.answer = () => (++requestNumber % 7 === 0 ? 500 : 200);

    // Two deliverer loops compete for the same rows (on Postgres from different pool
    // connections, so their claims really run concurrently; on SQLite writers are serialised).
    // The production timeout (10 s): a shorter one, on a loaded machine, times out requests the
    // receiver did answer, and the retry is then (rightly) a second success at the receiver.
    const options = { ...fastDelivery, timeoutMs: 10_000, concurrency: 8 };
    const deliverers = [new WebhookDeliverer(t.app, options), new WebhookDeliverer(t.app, options)];
    for (const d of deliverers) d.start();

    // Events are recorded while the deliverers run: each run's start and end in their own
    // transactions, like the run engine; every 10th run also fails an execution.
    const recordedEventIds = new Set<string>();
    for (let run = 0; run < runs; run++) {
      const end: WebhookEventType = run % 10 === 0 ? 'run.failed' : 'run.finished';
      for (const types of [
        ['run.started'],
        run % 10 === 0 ? ['execution.failed', end] : [end],
      ] as WebhookEventType[][]) {
        await t.app.db.transaction().execute(async (trx) => {
          for (const type of types) {
            await recordWebhookEvent(trx, { projectId, type, data: { run: { id: `run-${run}` } } });
          }
        });
        t.app.webhookOutbox.kick();
      }
    }
    const expectedEvents = runs * 2 + runs / 10;
    const expectedDeliveries = expectedEvents * 3;

    await waitFor(
      `${expectedDeliveries} deliveries to succeed`,
      async () => {
        const row = await t.app.db
          .selectFrom('webhook_deliveries')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('status', '=', 'succeeded')
          .executeTakeFirstOrThrow();
        return Number(row.n) === expectedDeliveries;
      },
      120_000,
    );
    // Nothing is in flight any more; stopping waits for anything (wrongly) still sending.
    await Promise.all(deliverers.map((d) => d.stop()));

    const all = receiver.successes();
    expect(all).toHaveLength(expectedDeliveries);
    const byDelivery = new Map<string, number>();
    const eventsByPath = new Map<string, Set<string>>();
    for (const r of all) {
      byDelivery.set(r.deliveryId, (byDelivery.get(r.deliveryId) ?? 0) + 1);
      const body = JSON.parse(r.body) as { id: string; data: { run: { id: string } } };
      recordedEventIds.add(body.id);
      const seen = eventsByPath.get(r.path) ?? new Set<string>();
      expect(seen.has(body.id), `event ${body.id} twice at ${r.path}`).toBe(false);
      seen.add(body.id);
      eventsByPath.set(r.path, seen);
      expect(verifyWebhookSignature(secretByPath.get(r.path) ?? '', r.signature, r.body)).toBe(
        true,
      );
    }
    expect(byDelivery.size).toBe(expectedDeliveries);
    expect([...byDelivery.values()].every((n) => n === 1)).toBe(true);
    expect(recordedEventIds.size).toBe(expectedEvents);
    for (const path of ['/a', '/b', '/c'])
      expect(eventsByPath.get(path)?.size).toBe(expectedEvents);

    // Scene's log agrees with the receiver: every delivery succeeded, one attempt per request.
    const deliveries = (await Promise.all(webhooks.map((w) => client.deliveries(w.id)))).flat();
    expect(deliveries).toHaveLength(expectedDeliveries);
    expect(deliveries.every((d) => d.status === 'succeeded')).toBe(true);
    const attempts = deliveries.reduce((n, d) => n + d.attempts.length, 0);
    expect(attempts).toBe(receiver.requests.length);
    expect(receiver.requests.length).toBeGreaterThan(expectedDeliveries);
  });
});
