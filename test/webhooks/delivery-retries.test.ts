import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookDeliverer } from '../../src/webhooks/deliverer.ts';
import { recordWebhookEvent } from '../../src/webhooks/outbox.ts';
import { verifyWebhookSignature } from '../../src/webhooks/signing.ts';
import { createTestApp, dialects, type TestApp } from '../support/test-app.ts';
import { api, fastDelivery, TestReceiver, waitFor, type DeliveryJson } from './support.ts';

describe.each(dialects)('webhook retries on %s', (dialect) => {
  let t: TestApp;
  let receiver: TestReceiver;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    receiver = await TestReceiver.start();
  });
  afterAll(async () => {
    await receiver.stop().catch(() => undefined);
    await t.close();
  });

  it('delivers each event exactly once as a success through 500s, a timeout and refused connections', async () => {
    const client = api(t.server);
    const projectId = await client.createProject('Retries');
    const webhook = await client.createWebhook(projectId, { url: receiver.url(), events: ['*'] });
    const secret = webhook.secret ?? '';
    // Another project's webhook must not receive this project's events.
    const otherProject = await client.createProject('Other');
    await client.createWebhook(otherProject, { url: receiver.url('/other') });

    let phase: 500 | 'hang' = 500;
    receiver.answer = () => phase;
    await t.app.db.transaction().execute(async (trx) => {
      await recordWebhookEvent(trx, {
        projectId,
        type: 'run.started',
        data: { run: { id: 'run1', status: 'running' } },
      });
      await recordWebhookEvent(trx, {
        projectId,
        type: 'execution.failed',
        data: { execution: { id: 'ex1', error: 'HTTP 502 from https://shop.example' } },
      });
      await recordWebhookEvent(trx, {
        projectId,
        type: 'run.failed',
        data: { run: { id: 'run1', status: 'failed' } },
      });
    });
    // An event recorded in a transaction that rolls back never exists, so it is never sent.
    await t.app.db
      .transaction()
      .execute(async (trx) => {
        await recordWebhookEvent(trx, { projectId, type: 'run.finished', data: {} });
        throw new Error('roll back');
      })
      .catch(() => undefined);

    const deliverer = new WebhookDeliverer(t.app, { ...fastDelivery, timeoutMs: 3_000 });
    deliverer.start();
    try {
      const deliveries = async () => client.deliveries(webhook.id);
      const everyDeliveryHas = (
        label: string,
        match: (a: DeliveryJson['attempts'][number]) => boolean,
      ) =>
        waitFor(label, async () => {
          const items = await deliveries();
          return items.length === 3 && items.every((d) => d.attempts.some(match)) && items;
        });

      await everyDeliveryHas('a 500 on every delivery', (a) => a.statusCode === 500);
      phase = 'hang';
      await everyDeliveryHas('a timeout on every delivery', (a) =>
        /timed out after 3000 ms/.test(a.error ?? ''),
      );
      await receiver.stop();
      await everyDeliveryHas('a refused connection on every delivery', (a) =>
        /ECONNREFUSED/.test(a.error ?? ''),
      );
      receiver.answer = () => 200;
      await receiver.restart();
      const done = await waitFor('all succeeded', async () => {
        const items = await deliveries();
        return items.every((d) => d.status === 'succeeded') && items;
      });

      expect(done.map((d) => d.eventType).sort()).toEqual([
        'execution.failed',
        'run.failed',
        'run.started',
      ]);
      for (const delivery of done) {
        const attempts = delivery.attempts;
        expect(delivery.attemptCount).toBe(attempts.length);
        expect(attempts.at(-1)).toMatchObject({ statusCode: 200, responseExcerpt: 'ok' });
        const failures = attempts.slice(0, -1);
        // 500s, then timeouts, then refusals, in that order (several of each, as retries ran).
        // A request hanging when the receiver went down ends in a reset instead.
        const kinds = failures.map((a) => {
          const error = a.error ?? '';
          if (a.statusCode === 500) return '500';
          if (/timed out/.test(error)) return 'timeout';
          if (/socket hang up|ECONNRESET/.test(error)) return 'reset';
          if (/ECONNREFUSED/.test(error)) return 'refused';
          return `? ${error}`;
        });
        const firstOf = (kind: string) => kinds.indexOf(kind);
        const lastOf = (kind: string) => kinds.lastIndexOf(kind);
        expect(
          kinds.every((k) => ['500', 'timeout', 'reset', 'refused'].includes(k)),
          kinds.join(),
        ).toBe(true);
        expect(lastOf('500'), kinds.join()).toBeLessThan(firstOf('timeout'));
        expect(lastOf('timeout'), kinds.join()).toBeLessThan(firstOf('refused'));
        expect(lastOf('reset'), kinds.join()).toBeLessThan(firstOf('refused'));

        // The receiver saw this delivery several times, always under the same Scene-Delivery id,
        // with the same body and a valid signature; exactly one of them it answered with a 2xx.
        const seen = receiver.requests.filter((r) => r.deliveryId === delivery.id);
        expect(seen.length).toBeGreaterThanOrEqual(3);
        expect(seen.filter((r) => r.answer === 200)).toHaveLength(1);
        expect(new Set(seen.map((r) => r.body)).size).toBe(1);
        expect(seen.map((r) => r.event)).toEqual(seen.map(() => delivery.eventType));
        for (const r of seen)
          expect(verifyWebhookSignature(secret, r.signature, r.body)).toBe(true);
        expect(JSON.parse(seen[0]?.body ?? '')).toEqual(delivery.payload);
      }
      // Each event exactly once as a success, nothing else.
      const successes = receiver.successes();
      expect(successes).toHaveLength(3);
      expect(new Set(successes.map((r) => (JSON.parse(r.body) as { id: string }).id)).size).toBe(3);
      expect(receiver.requests.some((r) => r.path === '/other')).toBe(false);
      const failingSince = await client.call<{ failingSince?: string }>(
        'GET',
        `/webhooks/${webhook.id}`,
      );
      expect(failingSince.json()).not.toHaveProperty('failingSince');
    } finally {
      await deliverer.stop();
    }
    const logs = t.logs.join('\n');
    expect(logs).not.toContain(secret);
  });
});
