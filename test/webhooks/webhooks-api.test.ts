import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebhookDeliverer } from '../../src/webhooks/deliverer.ts';
import { verifyWebhookSignature } from '../../src/webhooks/signing.ts';
import { createTestApp, dialects, type TestApp } from '../support/test-app.ts';
import { api, fastDelivery, TestReceiver, waitFor, type WebhookJson } from './support.ts';

describe.each(dialects)('webhooks API on %s', (dialect) => {
  let t: TestApp;
  let client: ReturnType<typeof api>;
  let receiver: TestReceiver;
  let projectId: string;
  const deliverers: WebhookDeliverer[] = [];
  const secrets: string[] = [];

  beforeAll(async () => {
    t = await createTestApp(dialect);
    client = api(t.server);
    receiver = await TestReceiver.start();
    projectId = await client.createProject('Webhooks');
  });
  afterEach(async () => {
    await Promise.all(deliverers.splice(0).map((d) => d.stop()));
    receiver.answer = () => 200;
  });
  afterAll(async () => {
    await receiver.stop();
    await t.close();
  });

  function startDeliverer(options = {}): WebhookDeliverer {
    const deliverer = new WebhookDeliverer(t.app, { ...fastDelivery, ...options });
    deliverer.start();
    deliverers.push(deliverer);
    return deliverer;
  }

  async function createWebhook(body: Record<string, unknown> = {}): Promise<WebhookJson> {
    const webhook = await client.createWebhook(projectId, { url: receiver.url(), ...body });
    expect(webhook.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    secrets.push(webhook.secret ?? '');
    return webhook;
  }

  it('creates a webhook with its secret shown once; reads, lists, updates and deletes it without it', async () => {
    const created = await client.call<WebhookJson>('POST', `/projects/${projectId}/webhooks`, {
      url: receiver.url('/crud'),
      events: ['run.finished', 'run.failed', 'run.finished'],
      description: 'CI notifier',
    });
    expect(created.status).toBe(201);
    const webhook = created.json();
    const secret = webhook.secret ?? '';
    secrets.push(secret);
    expect(webhook).toMatchObject({
      projectId,
      url: receiver.url('/crud'),
      events: ['run.finished', 'run.failed'],
      active: true,
      description: 'CI notifier',
    });
    expect(webhook).not.toHaveProperty('disabledReason');

    const responses = [
      await client.call('GET', `/webhooks/${webhook.id}`),
      await client.call('GET', `/projects/${projectId}/webhooks`),
      await client.call('PATCH', `/webhooks/${webhook.id}`, {
        events: ['*'],
        description: null,
      }),
    ];
    for (const response of responses) {
      expect(response.status).toBe(200);
      expect(response.body).not.toContain(secret);
      expect(response.body).not.toContain('"secret"');
    }
    const { secret: _s, ...publicView } = webhook;
    expect(responses[0]?.json()).toEqual(publicView);
    expect(responses[2]?.json()).toMatchObject({ events: ['*'], active: true });
    expect(responses[2]?.json()).not.toHaveProperty('description');

    const rotated = await client.call<WebhookJson>('POST', `/webhooks/${webhook.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const newSecret = rotated.json().secret ?? '';
    secrets.push(newSecret);
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(secret);
    const after = await client.call('GET', `/webhooks/${webhook.id}`);
    expect(after.body).not.toContain(newSecret);

    expect((await client.call('DELETE', `/webhooks/${webhook.id}`)).status).toBe(204);
    expect((await client.call('GET', `/webhooks/${webhook.id}`)).status).toBe(404);

    const audit = await client.call<{
      items: { action: string; actor: string; changes: Record<string, unknown> }[];
    }>('GET', `/audit?entityType=webhook&entityId=${webhook.id}`);
    const entries = audit.json().items;
    expect(entries.map((e) => e.action)).toEqual(['delete', 'update', 'update', 'create']);
    expect(entries[1]?.changes).toEqual({
      secret: { before: '[redacted]', after: '[redacted]' },
    });
    expect(entries[3]?.changes).toMatchObject({
      secret: { before: '[redacted]', after: '[redacted]' },
      url: { before: null, after: receiver.url('/crud') },
    });
    expect(audit.body).not.toContain(secret);
    expect(audit.body).not.toContain(newSecret);
  });

  it('rejects bad input with a clear message and changes nothing', async () => {
    const before = (
      await client.call<{ items: unknown[] }>('GET', `/projects/${projectId}/webhooks`)
    ).json().items.length;
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ url: 'ftp://example.com/hook' }, 400, /url: must be an absolute http\(s\) URL/],
      [{ url: 'not a url' }, 400, /url/],
      [{ url: receiver.url(), events: [] }, 400, /at least one event type/],
      [{ url: receiver.url(), events: ['run.exploded'] }, 400, /events/],
      [{ url: receiver.url(), events: ['*', 'run.started'] }, 400, /use it alone/],
      [{ url: receiver.url(), secret: 'mine' }, 400, /secret/],
      [{ url: receiver.url(), active: 'yes' }, 400, /active/],
    ];
    for (const [body, status, message] of cases) {
      const response = await client.call<{ error: { message: string } }>(
        'POST',
        `/projects/${projectId}/webhooks`,
        body,
      );
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect(response.json().error.message).toMatch(message);
    }
    expect(
      (await client.call('POST', '/projects/nope/webhooks', { url: receiver.url() })).status,
    ).toBe(404);
    expect((await client.call('PATCH', '/webhooks/nope', { active: true })).status).toBe(404);
    expect((await client.call('GET', '/webhooks/nope/deliveries')).status).toBe(404);
    expect((await client.call('POST', '/deliveries/nope/redeliver')).status).toBe(404);
    const webhook = await createWebhook();
    const badStatus = await client.call('GET', `/webhooks/${webhook.id}/deliveries?status=lost`);
    expect(badStatus.status).toBe(400);
    const after = (
      await client.call<{ items: unknown[] }>('GET', `/projects/${projectId}/webhooks`)
    ).json().items.length;
    expect(after).toBe(before + 1);
    await client.call('DELETE', `/webhooks/${webhook.id}`);
  });

  it('pings through the outbox: a signed request the receiver verifies, logged with its attempt', async () => {
    const webhook = await createWebhook({ events: ['run.finished'] });
    // A deliverer that polls rarely: the ping arrives because the API kicks it.
    startDeliverer({ pollIntervalMs: 600_000 });
    const ping = await client.call<{ id: string; status: string; eventType: string }>(
      'POST',
      `/webhooks/${webhook.id}/ping`,
    );
    expect(ping.status).toBe(202);
    expect(ping.json()).toMatchObject({ eventType: 'ping', status: 'pending' });
    const request = await waitFor('the ping', () =>
      receiver.requests.find((r) => r.deliveryId === ping.json().id),
    );
    expect(request.event).toBe('ping');
    expect(request.headers['content-type']).toBe('application/json');
    expect(verifyWebhookSignature(webhook.secret ?? '', request.signature, request.body)).toBe(
      true,
    );
    expect(
      verifyWebhookSignature(webhook.secret ?? '', request.signature, `${request.body} `),
    ).toBe(false);
    expect(verifyWebhookSignature('whsec_other', request.signature, request.body)).toBe(false);
    const body = JSON.parse(request.body) as Record<string, unknown>;
    expect(body).toMatchObject({
      type: 'ping',
      data: { webhookId: webhook.id, projectId },
    });
    expect(Object.keys(body)).toEqual(['id', 'type', 'createdAt', 'data']);

    const [delivery] = await waitFor('the delivery to be recorded', async () => {
      const items = await client.deliveries(webhook.id, 'status=succeeded');
      return items.length === 1 && items;
    });
    expect(delivery).toMatchObject({
      id: ping.json().id,
      eventId: body.id,
      eventType: 'ping',
      status: 'succeeded',
      attemptCount: 1,
      payload: body,
    });
    expect(delivery?.attempts).toEqual([
      expect.objectContaining({ statusCode: 200, responseExcerpt: 'ok' }),
    ]);
    expect(delivery?.attempts[0]).not.toHaveProperty('error');

    // After a rotation, requests are signed with the new secret only.
    const rotated = (
      await client.call<WebhookJson>('POST', `/webhooks/${webhook.id}/rotate-secret`)
    ).json();
    secrets.push(rotated.secret ?? '');
    const second = (
      await client.call<{ id: string }>('POST', `/webhooks/${webhook.id}/ping`)
    ).json();
    const request2 = await waitFor('the second ping', () =>
      receiver.requests.find((r) => r.deliveryId === second.id),
    );
    expect(verifyWebhookSignature(rotated.secret ?? '', request2.signature, request2.body)).toBe(
      true,
    );
    expect(verifyWebhookSignature(webhook.secret ?? '', request2.signature, request2.body)).toBe(
      false,
    );
  });

  it('lists deliveries newest first with a status filter and a cursor', async () => {
    const webhook = await createWebhook();
    receiver.answer = ({ path }) => (path === '/failing' ? 500 : 200);
    const failing = await createWebhook({ url: receiver.url('/failing') });
    startDeliverer({ retryWindowMs: 0 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        (await client.call<{ id: string }>('POST', `/webhooks/${webhook.id}/ping`)).json().id,
      );
    }
    const failed = (
      await client.call<{ id: string }>('POST', `/webhooks/${failing.id}/ping`)
    ).json();
    await waitFor('all delivered', async () => {
      const items = await client.deliveries(webhook.id, 'status=succeeded');
      return items.length === 5;
    });
    const [failedDelivery] = await waitFor('the failing one to give up', async () => {
      const items = await client.deliveries(failing.id, 'status=failed');
      return items.length === 1 && items;
    });
    expect(failedDelivery).toMatchObject({ id: failed.id, attemptCount: 1, lastStatusCode: 500 });
    expect(failedDelivery?.attempts[0]).toMatchObject({
      statusCode: 500,
      responseExcerpt: 'receiver says 500',
    });
    expect(await client.deliveries(webhook.id, 'status=failed')).toEqual([]);
    expect(await client.deliveries(webhook.id, 'status=pending')).toEqual([]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = (
        await client.call<{ items: { id: string }[]; nextCursor: string | null }>(
          'GET',
          `/webhooks/${webhook.id}/deliveries?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        )
      ).json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((d) => d.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen)).toEqual(new Set(ids));
    expect(seen).toHaveLength(5);
    const single = await client.call<{ id: string }>('GET', `/deliveries/${ids[0] ?? ''}`);
    expect(single.json()).toMatchObject({ id: ids[0], status: 'succeeded' });
  });

  it('redelivers a finished delivery as a new delivery of the same event; a pending one is refused', async () => {
    const webhook = await createWebhook();
    const ping = (await client.call<{ id: string }>('POST', `/webhooks/${webhook.id}/ping`)).json();
    const pending = await client.call<{ error: { message: string } }>(
      'POST',
      `/deliveries/${ping.id}/redeliver`,
    );
    expect(pending.status).toBe(409);
    expect(pending.json().error.message).toMatch(/still pending/);

    startDeliverer();
    await waitFor('the ping', () => receiver.successes().find((r) => r.deliveryId === ping.id));
    await waitFor('its success recorded', async () => {
      const d = await client.call<{ status: string }>('GET', `/deliveries/${ping.id}`);
      return d.json().status === 'succeeded';
    });
    const again = await client.call<{ id: string; eventId: string; status: string }>(
      'POST',
      `/deliveries/${ping.id}/redeliver`,
    );
    expect(again.status).toBe(202);
    expect(again.json().id).not.toBe(ping.id);
    const redelivered = await waitFor('the redelivery', () =>
      receiver.successes().find((r) => r.deliveryId === again.json().id),
    );
    const original = receiver.successes().find((r) => r.deliveryId === ping.id);
    expect(redelivered.body).toBe(original?.body);
    expect(
      verifyWebhookSignature(webhook.secret ?? '', redelivered.signature, redelivered.body),
    ).toBe(true);
    const deliveries = await waitFor('both succeeded', async () => {
      const items = await client.deliveries(webhook.id, 'status=succeeded');
      return items.length === 2 && items;
    });
    expect(new Set(deliveries.map((d) => d.eventId)).size).toBe(1);
    expect(deliveries.map((d) => d.attemptCount)).toEqual([1, 1]);
  });

  it('holds deliveries of an inactive webhook and sends them when it is activated again', async () => {
    const webhook = await createWebhook();
    const marker = await createWebhook({ url: receiver.url('/marker') });
    const held = (await client.call<{ id: string }>('POST', `/webhooks/${webhook.id}/ping`)).json();
    const deactivated = await client.call('PATCH', `/webhooks/${webhook.id}`, { active: false });
    expect(deactivated.json()).toMatchObject({ active: false });
    expect(deactivated.json()).not.toHaveProperty('disabledReason');
    const refused = await client.call<{ error: { message: string } }>(
      'POST',
      `/webhooks/${webhook.id}/ping`,
    );
    expect(refused.status).toBe(409);
    expect(refused.json().error.message).toMatch(/inactive/);

    startDeliverer();
    // The marker was queued later than the held delivery: once it is delivered, the deliverer
    // has passed over the held one.
    const markerPing = (
      await client.call<{ id: string }>('POST', `/webhooks/${marker.id}/ping`)
    ).json();
    await waitFor('the marker', () =>
      receiver.successes().find((r) => r.deliveryId === markerPing.id),
    );
    expect(receiver.requests.some((r) => r.deliveryId === held.id)).toBe(false);
    expect(
      (await client.call<{ status: string }>('GET', `/deliveries/${held.id}`)).json(),
    ).toMatchObject({
      status: 'pending',
      attemptCount: 0,
    });

    await client.call('PATCH', `/webhooks/${webhook.id}`, { active: true });
    await waitFor('the held delivery', () =>
      receiver.successes().find((r) => r.deliveryId === held.id),
    );
  });

  it('gives a failing webhook backoff retries, then disables it (audited), and re-enabling sends what waited', async () => {
    receiver.answer = ({ path }) => (path === '/broken' ? 503 : 200);
    const webhook = await createWebhook({ url: receiver.url('/broken') });
    startDeliverer({ disableAfterMs: 300 });
    const first = (
      await client.call<{ id: string }>('POST', `/webhooks/${webhook.id}/ping`)
    ).json();
    const disabled = await waitFor('the webhook to be disabled', async () => {
      const w = (await client.call<WebhookJson>('GET', `/webhooks/${webhook.id}`)).json();
      return !w.active && w;
    });
    expect(disabled.disabledReason).toMatch(
      /every attempt failed for 300 ms \(since .*\); last: HTTP 503/,
    );
    expect(disabled.failingSince).toBeDefined();
    const [delivery] = await client.deliveries(webhook.id);
    expect(delivery).toMatchObject({ id: first.id, status: 'pending' });
    expect(delivery?.attemptCount).toBeGreaterThanOrEqual(2);
    expect(
      new Set(receiver.requests.filter((r) => r.path === '/broken').map((r) => r.deliveryId)),
    ).toEqual(new Set([first.id]));
    const audit = (
      await client.call<{
        items: {
          actor: string;
          action: string;
          changes: Record<string, { before: unknown; after: unknown }>;
        }[];
      }>('GET', `/audit?entityType=webhook&entityId=${webhook.id}`)
    ).json().items;
    expect(audit[0]).toMatchObject({
      actor: 'system',
      action: 'update',
      changes: { active: { before: true, after: false } },
    });

    // No attempts while disabled; re-enabling clears the state and the held delivery goes out.
    const attemptsWhileDisabled = receiver.requests.length;
    receiver.answer = () => 200;
    const reenabled = await client.call<WebhookJson>('PATCH', `/webhooks/${webhook.id}`, {
      active: true,
    });
    expect(reenabled.json()).toMatchObject({ active: true });
    expect(reenabled.json()).not.toHaveProperty('disabledReason');
    expect(reenabled.json()).not.toHaveProperty('failingSince');
    await waitFor('the held delivery', () =>
      receiver.successes().find((r) => r.deliveryId === first.id),
    );
    expect(receiver.requests.length).toBeGreaterThan(attemptsWhileDisabled);
    const done = await waitFor('recorded', async () => {
      const [d] = await client.deliveries(webhook.id);
      return d?.status === 'succeeded' && d;
    });
    expect(done.attempts.at(-1)).toMatchObject({ statusCode: 200 });
    expect(done.attempts.slice(0, -1).every((a) => a.statusCode === 503)).toBe(true);
  });

  it('never writes a secret to the logs', () => {
    expect(secrets.length).toBeGreaterThan(3);
    const logs = t.logs.join('\n');
    expect(logs).toContain('webhook attempt');
    for (const secret of secrets) expect(logs).not.toContain(secret);
  });
});
