import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, dialects, type TestApp } from '../support/test-app.ts';
import { apiChecks, injectClient, type ApiChecks } from '../support/scene-client.ts';

/**
 * Action endpoints (cancel, retry, approve, ping, rotate-secret, redeliver) take no input: they
 * accept no body or `{}`, and refuse anything else with 400 naming the unexpected fields,
 * changing nothing (they used to ignore junk silently).
 */
describe.each(dialects)('action endpoints refuse unexpected bodies on %s', (dialect) => {
  let t: TestApp;
  let api: ApiChecks;
  let runId: string;
  let executionId: string;
  let webhookId: string;

  beforeAll(async () => {
    // No run engine: the run stays queued until the test cancels it.
    t = await createTestApp(dialect, { SCENE_EMBEDDED_WORKER: 'false' });
    api = apiChecks(injectClient(t.server));
    const project = await api.project('Actions');
    const page = await api.create(`/projects/${project.id}/pages`, {
      name: 'home',
      url: 'https://site.test/',
    });
    const batch = await api.create(`/projects/${project.id}/batches`, {
      name: 'nightly',
      pageIds: [page.id],
      browsers: ['chromium'],
      viewports: ['desktop'],
    });
    runId = (await api.create(`/batches/${batch.id}/runs`, { mode: 'baseline' })).id;
    const executions = await api.get<{ items: { id: string }[] }>(`/runs/${runId}/executions`);
    executionId = executions.body.items[0]?.id ?? '';
    webhookId = (await api.create(`/projects/${project.id}/webhooks`, { url: 'https://h.test/' }))
      .id;
  });
  afterAll(() => t.close());

  const actions = (): string[] => [
    `/runs/${runId}/cancel`,
    `/runs/${runId}/retry`,
    `/executions/${executionId}/cancel`,
    `/executions/${executionId}/retry`,
    `/executions/${executionId}/approve`,
    `/webhooks/${webhookId}/ping`,
    `/webhooks/${webhookId}/rotate-secret`,
    '/deliveries/nope/redeliver',
  ];

  const state = async () => ({
    run: (await api.get(`/runs/${runId}`)).body,
    deliveries: (await api.get(`/webhooks/${webhookId}/deliveries`)).body,
  });

  it('refuses a body with fields, naming them', async () => {
    for (const url of actions()) {
      const body = await api.expectRejected(
        () => api.post(url, { force: true, reason: 'x' }),
        400,
        /unknown field.*force.*reason/,
        state,
      );
      expect(body.error.code, url).toBe('validation_failed');
    }
  });

  it('refuses bodies that are not an object', async () => {
    for (const url of actions()) {
      for (const payload of ['[]', '"cancel"', '42', 'true']) {
        await api.expectRejected(() => api.call('POST', url, payload), 400, /request body/, state);
      }
    }
  });

  it('accepts no body and {}', async () => {
    const noBody = (url: string) => api.call('POST', url);
    expect((await api.post(`/executions/${executionId}/cancel`, {})).status).toBe(200);
    expect((await noBody(`/runs/${runId}/cancel`)).status).toBe(409); // already ended: all cancelled
    expect((await noBody(`/executions/${executionId}/retry`)).status).toBe(200);
    expect((await api.post(`/runs/${runId}/cancel`, {})).status).toBe(200);
    expect((await api.post(`/runs/${runId}/retry`, {})).status).toBe(200);
    expect((await noBody(`/webhooks/${webhookId}/ping`)).status).toBe(202);
    expect((await api.post(`/webhooks/${webhookId}/rotate-secret`, {})).status).toBe(200);
    expect((await noBody(`/webhooks/${webhookId}/rotate-secret`)).status).toBe(200);
    expect((await api.post('/deliveries/nope/redeliver', {})).status).toBe(404);
    expect((await noBody(`/executions/${executionId}/approve`)).status).toBe(422);
  });
});
