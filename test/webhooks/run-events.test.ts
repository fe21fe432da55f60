import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserPool } from '../../src/capture/browser-pool.ts';
import type { Run } from '../../src/runs/run.schema.ts';
import { verifyWebhookSignature } from '../../src/webhooks/signing.ts';
import { fixturePaths, startFixtureSite, type FixtureSite } from '../fixtures/site/fixture-site.ts';
import { injectClient, pollExecutions, pollRun } from '../support/scene-client.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { TestReceiver, waitFor, type WebhookJson } from './support.ts';

// Real runs through the run engine (Chromium against the fixture site), delivered by the
// deliverer createApp wires (the one `scene serve` starts, woken by the engine's kicks): the
// payloads documented in the README's Webhooks section, as the engine produces them.

interface Payload {
  id: string;
  type: string;
  createdAt: string;
  data: Record<string, unknown>;
}

describe('webhooks from real runs on sqlite', () => {
  let site: FixtureSite;
  let t: TestApp;
  let pool: BrowserPool;
  let receiver: TestReceiver;

  beforeAll(async () => {
    site = await startFixtureSite();
    receiver = await TestReceiver.start();
    t = await createTestApp('sqlite');
    pool = new BrowserPool();
    await pool.acquire('chromium');
    await t.app.startRunEngine({ pool, checkIntervalMs: 100 });
    t.app.webhookDeliverer.start();
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
    await site.close();
  });

  it('sends run, execution and baseline events with the documented payloads', async () => {
    const api = injectClient(t.server);
    const project = await api.ok<{ id: string }>('POST', '/projects', { name: 'Shop' });
    const all = await api.ok<WebhookJson>('POST', `/projects/${project.id}/webhooks`, {
      url: receiver.url('/all'),
    });
    const failuresOnly = await api.ok<WebhookJson>('POST', `/projects/${project.id}/webhooks`, {
      url: receiver.url('/failures'),
      events: ['run.failed'],
    });
    const page = async (name: string, path: string) =>
      (
        await api.ok<{ id: string }>('POST', `/projects/${project.id}/pages`, {
          name,
          url: site.url + path,
        })
      ).id;
    const batch = async (name: string, pageIds: string[]) =>
      (
        await api.ok<{ id: string }>('POST', `/projects/${project.id}/batches`, {
          name,
          pageIds,
          taskIds: [],
          browsers: ['chromium'],
          viewports: ['desktop'],
          jiraIssue: 'SHOP-42',
        })
      ).id;
    const about = await batch('about', [await page('about', fixturePaths.about)]);
    const broken = await batch('broken', [await page('broken', fixturePaths.serverError)]);
    const hung = await batch('hung', [await page('hung', fixturePaths.hung)]);

    const recorded = await pollRun(api, (await api.launchRun(about, { mode: 'baseline' })).id);
    expect(recorded.status).toBe('finished');
    const compared = await pollRun(api, (await api.launchRun(about, { mode: 'compare' })).id);
    expect(compared.status).toBe('finished');
    const [execution] = await api.listExecutions(compared.id);
    await api.ok('POST', `/executions/${execution?.id ?? ''}/approve`);
    const failed = await pollRun(api, (await api.launchRun(broken, { mode: 'baseline' })).id);
    expect(failed.status).toBe('failed');
    const slow = await api.launchRun(hung, { mode: 'baseline' });
    await pollExecutions(api, slow.id, (es) => es.some((e) => e.status === 'running'));
    await api.ok<Run>('POST', `/runs/${slow.id}/cancel`);
    expect((await pollRun(api, slow.id)).status).toBe('cancelled');

    const expected = {
      'run.started': 4,
      'run.finished': 2,
      'baseline.updated': 1,
      'execution.failed': 1,
      'run.failed': 1,
      'run.cancelled': 1,
    };
    const received = await waitFor(
      'every event',
      () => {
        const ok = receiver.successes().filter((r) => r.path === '/all');
        return ok.length === 10 && ok;
      },
      30_000,
    );
    const byType = new Map<string, Payload[]>();
    for (const r of received) {
      expect(verifyWebhookSignature(all.secret ?? '', r.signature, r.body)).toBe(true);
      const payload = JSON.parse(r.body) as Payload;
      expect(Object.keys(payload)).toEqual(['id', 'type', 'createdAt', 'data']);
      expect(r.event).toBe(payload.type);
      byType.set(payload.type, [...(byType.get(payload.type) ?? []), payload]);
    }
    expect(Object.fromEntries([...byType].map(([type, list]) => [type, list.length]))).toEqual(
      expected,
    );
    const publicUrl = t.app.config.publicUrl;

    // run.*: {run, links}
    const finished = byType
      .get('run.finished')
      ?.find((p) => (p.data.run as Run).id === compared.id);
    expect(finished?.data).toEqual({
      run: expect.objectContaining({
        id: compared.id,
        projectId: project.id,
        batchId: about,
        mode: 'compare',
        status: 'finished',
        jiraIssue: 'SHOP-42',
        summary: expect.objectContaining({ total: 1, finished: 1, diffLevel: 'none' }) as unknown,
      }) as unknown,
      links: {
        html: `${publicUrl}/runs/${compared.id}`,
        api: `${publicUrl}/api/v1/runs/${compared.id}`,
      },
    });
    const cancelled = byType.get('run.cancelled')?.[0];
    expect(cancelled?.data.run).toMatchObject({
      id: slow.id,
      status: 'cancelled',
      cancelReason: 'user',
    });
    const started = byType.get('run.started') ?? [];
    expect(started.every((p) => (p.data.run as Run).status === 'running')).toBe(true);

    // execution.failed: {execution, run, links}
    const executionFailed = byType.get('execution.failed')?.[0];
    expect(Object.keys(executionFailed?.data ?? {}).sort()).toEqual(['execution', 'links', 'run']);
    expect(executionFailed?.data.execution).toMatchObject({
      runId: failed.id,
      pageName: 'broken',
      status: 'failed',
      httpStatus: 500,
    });
    expect((executionFailed?.data.execution as { error: string }).error).toMatch(/HTTP 500/);
    expect(executionFailed?.data.run).toEqual({
      id: failed.id,
      batchId: broken,
      mode: 'baseline',
      jiraIssue: 'SHOP-42',
    });
    expect(executionFailed?.data.links).toMatchObject({
      api: expect.stringMatching(new RegExp(`^${publicUrl}/api/v1/executions/`)) as unknown,
      run: { api: `${publicUrl}/api/v1/runs/${failed.id}` },
    });

    // baseline.updated: {baseline, entry, links}
    const baselineUpdated = byType.get('baseline.updated')?.[0];
    expect(Object.keys(baselineUpdated?.data ?? {}).sort()).toEqual(['baseline', 'entry', 'links']);
    expect(baselineUpdated?.data.baseline).toMatchObject({ batchId: about, entries: 1 });
    expect(baselineUpdated?.data.entry).toMatchObject({
      executionId: execution?.id,
      browser: 'chromium',
      image: expect.stringMatching(new RegExp(`^${publicUrl}/api/v1/artifacts/`)) as unknown,
    });

    // A webhook subscribed to run.failed only got just that.
    const failures = receiver.successes().filter((r) => r.path === '/failures');
    expect(failures.map((r) => r.event)).toEqual(['run.failed']);
    expect(
      verifyWebhookSignature(
        failuresOnly.secret ?? '',
        failures[0]?.signature ?? '',
        failures[0]?.body ?? '',
      ),
    ).toBe(true);

    if (process.env.SCENE_TEST_PRINT_PAYLOADS === '1') {
      for (const [type, list] of byType) console.log(type, JSON.stringify(list[0], null, 2));
    }
  }, 120_000);
});
