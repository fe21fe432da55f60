import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiChecks, injectClient, type ApiChecks } from '../support/scene-client.ts';
import { createTestApp, dialects, type TestApp } from '../support/test-app.ts';

interface Schedule {
  id: string;
  batchId: string;
  cron: string;
  timezone: string;
  mode: string;
  branch?: string;
  active: boolean;
  nextFireAt: string | null;
}

describe.each(dialects)('schedules API on %s', (dialect) => {
  let t: TestApp;
  let api: ApiChecks;
  let batchId: string;
  let projectId: string;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    api = apiChecks(injectClient(t.server));
    const project = await api.project('Scheduled');
    projectId = project.id;
    const page = await api.create<{ id: string }>(`/projects/${project.id}/pages`, {
      name: 'Home',
      url: 'http://127.0.0.1:9/',
    });
    batchId = (
      await api.create<{ id: string }>(`/projects/${project.id}/batches`, {
        name: 'Monitoring',
        pageIds: [page.id],
        browsers: ['chromium'],
        viewports: ['desktop'],
      })
    ).id;
  });
  afterAll(() => t.close());

  it('creates, lists, updates and deletes schedules with their next fire time, audited', async () => {
    const schedule = await api.create<Schedule>(`/batches/${batchId}/schedules`, {
      cron: '30 3 * * *',
      timezone: 'Europe/Paris',
      branch: 'main',
    });
    expect(schedule).toMatchObject({
      batchId,
      cron: '30 3 * * *',
      timezone: 'Europe/Paris',
      mode: 'compare',
      branch: 'main',
      active: true,
    });
    // 03:30 in Paris is 01:30 or 02:30 UTC (summer or winter time).
    expect(schedule.nextFireAt).toMatch(/T0[12]:30:00\.000Z$/);
    expect(Date.parse(schedule.nextFireAt ?? '')).toBeGreaterThan(Date.now());

    const listed = await api.get<{ items: Schedule[] }>(`/batches/${batchId}/schedules`);
    expect(listed.body.items.map((s) => s.id)).toEqual([schedule.id]);

    // The project's batches panel shows it with its next fire time.
    const panel = await t.server.inject({ method: 'GET', url: `/projects/${projectId}/batches` });
    expect(panel.statusCode).toBe(200);
    expect(panel.body).toContain(
      `Scheduled 30 3 * * * (Europe/Paris, main, compare): next ${schedule.nextFireAt?.replace('T', ' ').slice(0, 19)} UTC`,
    );

    const paused = await api.patch<Schedule>(`/schedules/${schedule.id}`, {
      active: false,
      branch: null,
    });
    expect(paused.body).toMatchObject({ active: false, nextFireAt: null });
    expect(paused.body).not.toHaveProperty('branch');

    const audit = await api.audit(`entityId=${schedule.id}`);
    expect(audit.map((a) => a.action)).toEqual(['update', 'create']);
    expect(audit[0]?.changes).toEqual({
      active: { before: true, after: false },
      branch: { before: 'main', after: null },
    });

    expect((await api.delete(`/schedules/${schedule.id}`)).status).toBe(204);
    expect((await api.get(`/schedules/${schedule.id}`)).status).toBe(404);
  });

  it('refuses a bad cron expression or time zone and changes nothing', async () => {
    const list = async () => (await api.get(`/batches/${batchId}/schedules`)).body;
    await api.expectRejected(
      () => api.post(`/batches/${batchId}/schedules`, { cron: '61 * * * *' }),
      400,
      /cron expression/,
      list,
    );
    await api.expectRejected(
      () => api.post(`/batches/${batchId}/schedules`, { cron: '0 3 * * *', timezone: 'Mars/Base' }),
      400,
      /IANA time zone/,
      list,
    );
    await api.expectRejected(
      () => api.post('/batches/nope/schedules', { cron: '0 3 * * *' }),
      404,
      /batch 'nope'/,
      list,
    );
  });
});
