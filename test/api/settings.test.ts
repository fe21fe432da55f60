import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, dialects, type TestApp } from '../support/test-app.ts';
import { apiChecks, injectClient, type ApiChecks } from '../support/scene-client.ts';

const defaults = {
  browsers: ['chromium'],
  viewports: [
    { name: 'desktop', width: 1280, height: 800 },
    { name: 'mobile', width: 390, height: 844 },
  ],
  maxConcurrentExecutions: 4,
  executionTimeoutSeconds: 60,
  runTimeoutSeconds: 3600,
  defaultWaitMs: 0,
  suppressAnimations: true,
  hideCaret: true,
  cookieBanner: { removeSelectors: [], cookies: [] },
  timestampDisplay: 'utc',
  confirmChanges: true,
  retention: {},
};

const resetAll = Object.fromEntries(Object.keys(defaults).map((k) => [k, null]));

describe.each(dialects)('settings API on %s', (dialect) => {
  let t: TestApp;
  let api: ApiChecks;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    api = apiChecks(injectClient(t.server));
  });
  afterAll(() => t.close());
  // Every test starts from the built-in defaults.
  afterEach(async () => {
    for (const batch of await batchesOf()) await api.delete(`/batches/${batch.id}`);
    expect((await api.patch('/settings', resetAll)).status).toBe(200);
  });

  async function batchesOf(): Promise<{ id: string }[]> {
    const projects = await api.listAll<{ id: string }>('/projects', 200);
    const all: { id: string }[] = [];
    for (const p of projects)
      all.push(...(await api.listAll<{ id: string }>(`/projects/${p.id}/batches`, 200)));
    return all;
  }

  async function projectWithBatch(
    name: string,
    batch: { browsers: string[]; viewports: string[] },
  ) {
    const project = await api.project(name);
    const page = await api.create(`/projects/${project.id}/pages`, {
      name: 'p',
      url: 'https://s.test/',
    });
    const created = await api.create<{ id: string }>(`/projects/${project.id}/batches`, {
      name: `${name} batch`,
      pageIds: [page.id],
      ...batch,
    });
    return { projectId: project.id, batchId: created.id };
  }

  it('answers the documented defaults, changes and restores global settings, auditing each change', async () => {
    expect((await api.get('/settings')).body).toEqual(defaults);
    const patched = await api.patch('/settings', {
      browsers: ['chromium', 'firefox'],
      viewports: [{ name: 'wide', width: 1920, height: 1080 }, ...defaults.viewports],
      maxConcurrentExecutions: 8,
      cookieBanner: {
        removeSelectors: ['#cookie-banner'],
        cookies: [{ name: 'consent', value: 'yes', domain: 'site.test' }],
      },
      timestampDisplay: 'local',
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body).toMatchObject({
      browsers: ['chromium', 'firefox'],
      maxConcurrentExecutions: 8,
    });
    expect((await api.get('/settings')).body).toEqual(patched.body);

    const restored = await api.patch('/settings', { maxConcurrentExecutions: null });
    expect(restored.body).toMatchObject({ maxConcurrentExecutions: 4, timestampDisplay: 'local' });

    const entries = await api.audit('entityType=settings&entityId=global');
    expect(entries.map((e) => e.action)).toEqual(['update', 'update']);
    expect(entries[0]?.projectId).toBeNull();
    expect(entries[0]?.changes).toEqual({ maxConcurrentExecutions: { before: 8, after: 4 } });
    expect(entries[1]?.changes).toMatchObject({
      browsers: { before: ['chromium'], after: ['chromium', 'firefox'] },
      maxConcurrentExecutions: { before: 4, after: 8 },
      timestampDisplay: { before: 'utc', after: 'local' },
    });
    expect(Object.keys(entries[1]?.changes ?? {}).sort()).toEqual([
      'browsers',
      'cookieBanner',
      'maxConcurrentExecutions',
      'timestampDisplay',
      'viewports',
    ]);
  });

  it('keeps device viewports (pixel ratio, mobile, touch, user agent) and offers named presets', async () => {
    const presets = await api.get('/viewport-presets');
    expect(presets.status).toBe(200);
    const list = presets.body as unknown as { name: string }[];
    const names = list.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['iPhone 15', 'Pixel 8', 'iPad', 'Desktop HD']));
    const iphone = list.find((p) => p.name === 'iPhone 15');
    expect(iphone).toMatchObject({ deviceScaleFactor: 3, isMobile: true, hasTouch: true });
    // A preset is a valid viewport as it is.
    const patched = await api.patch('/settings', { viewports: [iphone, ...defaults.viewports] });
    expect(patched.status, patched.text).toBe(200);
    expect((await api.get('/settings')).body).toMatchObject({
      viewports: [iphone, ...defaults.viewports],
    });
  });

  it('rejects invalid settings with a message that says what to fix, and changes nothing', async () => {
    const settings = () => api.get('/settings');
    const cases: [unknown, RegExp][] = [
      [{ browsers: ['opera'] }, /browsers\.0: .*"chromium"\|"firefox"\|"webkit"/],
      [{ browsers: [] }, /browsers: needs at least one browser/],
      [{ browsers: ['chromium', 'chromium'] }, /browser 'chromium' appears twice/],
      [
        {
          viewports: [
            { name: 'a', width: 800, height: 600 },
            { name: 'a', width: 400, height: 600 },
          ],
        },
        /viewport name 'a' appears twice/,
      ],
      [
        { viewports: [{ name: 'tiny', width: 10, height: 600 }] },
        /viewports\.0\.width: width must be between 100 and 10000/,
      ],
      [
        { viewports: [{ name: 'hi', width: 400, height: 600, deviceScaleFactor: 4 }] },
        /viewports\.0\.deviceScaleFactor: deviceScaleFactor must be 1, 2 or 3/,
      ],
      [
        { viewports: [{ name: 'ua', width: 400, height: 600, userAgent: 'Evil\r\nX-Header: 1' }] },
        /viewports\.0\.userAgent: userAgent must be printable ASCII on one line/,
      ],
      [
        { viewports: [{ name: 'm', width: 400, height: 600, isMobile: 'yes' }] },
        /viewports\.0\.isMobile/,
      ],
      [{ maxConcurrentExecutions: 33 }, /maxConcurrentExecutions: must be between 1 and 32/],
      [{ maxConcurrentExecutions: 1.5 }, /maxConcurrentExecutions: must be a whole number/],
      [{ executionTimeoutSeconds: '60' }, /executionTimeoutSeconds/],
      [{ timestampDisplay: 'cet' }, /timestampDisplay/],
      [{ theme: 'dark' }, /unknown field\(s\), remove: "theme"/],
      [{ cookieBanner: { removeSelectors: [] } }, /cookieBanner\.cookies/],
    ];
    for (const [payload, message] of cases) {
      await api.expectRejected(() => api.patch('/settings', payload), 400, message, settings);
    }
    await api.expectRejected(
      () => api.patch('/settings', '{"browsers": ['),
      400,
      /not valid JSON/,
      settings,
    );
  });

  it('refuses to remove a browser or viewport a batch uses (409 naming the batches)', async () => {
    await api.patch('/settings', { browsers: ['chromium', 'webkit'] });
    const a = await projectWithBatch('Guard A', { browsers: ['webkit'], viewports: ['mobile'] });
    const b = await projectWithBatch('Guard B', {
      browsers: ['chromium'],
      viewports: ['mobile', 'desktop'],
    });
    const settings = () => api.get('/settings');

    const error = await api.expectRejected(
      () => api.patch('/settings', { browsers: ['chromium'], viewports: [defaults.viewports[0]] }),
      409,
      new RegExp(
        `browser 'webkit' is used by batch 'Guard A batch' \\(id ${a.batchId}\\); ` +
          `viewport 'mobile' is used by batches 'Guard A batch' \\(id ${a.batchId}\\), 'Guard B batch' \\(id ${b.batchId}\\)`,
      ),
      settings,
    );
    expect(error.error.details).toEqual({
      inUse: [
        { kind: 'browser', name: 'webkit', batches: [{ id: a.batchId, name: 'Guard A batch' }] },
        {
          kind: 'viewport',
          name: 'mobile',
          batches: [
            { id: a.batchId, name: 'Guard A batch' },
            { id: b.batchId, name: 'Guard B batch' },
          ],
        },
      ],
    });
    // Resetting to the default (chromium only) removes webkit too.
    await api.expectRejected(
      () => api.patch('/settings', { browsers: null }),
      409,
      /browser 'webkit'/,
      settings,
    );
    // Changing a viewport's size keeps its name: allowed.
    const resized = await api.patch('/settings', {
      viewports: [defaults.viewports[0], { name: 'mobile', width: 375, height: 667 }],
    });
    expect(resized.status, resized.text).toBe(200);
    // Once no batch uses it, it can go.
    await api.patch(`/batches/${a.batchId}`, { browsers: ['chromium'] });
    expect((await api.patch('/settings', { browsers: ['chromium'] })).status).toBe(200);
  });

  it('merges project overrides over the global settings and guards them per project', async () => {
    const project = await api.project('Overrides');
    const other = await api.project('No overrides');
    const effective = await api.get(`/projects/${project.id}/settings`);
    expect(effective.body).toEqual({ ...defaults, overriddenKeys: [] });

    const patched = await api.patch(`/projects/${project.id}/settings`, {
      browsers: ['chromium', 'firefox'],
      defaultWaitMs: 500,
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body).toEqual({
      ...defaults,
      browsers: ['chromium', 'firefox'],
      defaultWaitMs: 500,
      overriddenKeys: ['browsers', 'defaultWaitMs'],
    });
    // Global changes show through where the project does not override.
    await api.patch('/settings', { defaultWaitMs: 100, hideCaret: false });
    expect((await api.get(`/projects/${project.id}/settings`)).body).toMatchObject({
      defaultWaitMs: 500,
      hideCaret: false,
    });
    expect((await api.get('/settings')).body).toMatchObject({ browsers: ['chromium'] });

    // Batches may use what their own project's settings offer.
    const page = await api.create(`/projects/${project.id}/pages`, {
      name: 'p',
      url: 'https://s.test/',
    });
    const batch = await api.create<{ id: string }>(`/projects/${project.id}/batches`, {
      name: 'Firefox run',
      pageIds: [page.id],
      browsers: ['firefox'],
      viewports: ['desktop'],
    });
    const otherPage = await api.create(`/projects/${other.id}/pages`, {
      name: 'p',
      url: 'https://s.test/',
    });
    await api.expectRejected(
      () =>
        api.post(`/projects/${other.id}/batches`, {
          name: 'Firefox run',
          pageIds: [otherPage.id],
          browsers: ['firefox'],
          viewports: ['desktop'],
        }),
      422,
      /browsers: not in the settings: firefox \(available: chromium\)/,
      () => api.listAll(`/projects/${other.id}/batches`),
    );

    // Removing the override would take firefox away from the batch.
    const read = () => api.get(`/projects/${project.id}/settings`);
    await api.expectRejected(
      () => api.patch(`/projects/${project.id}/settings`, { browsers: null }),
      409,
      new RegExp(`browser 'firefox' is used by batch 'Firefox run' \\(id ${batch.id}\\)`),
      read,
    );
    // A global change cannot take it away from the project either: the override keeps it.
    expect((await api.patch('/settings', { browsers: ['chromium', 'webkit'] })).status).toBe(200);

    const removed = await api.patch(`/projects/${project.id}/settings`, { defaultWaitMs: null });
    expect(removed.body).toMatchObject({ defaultWaitMs: 100, overriddenKeys: ['browsers'] });

    const entries = await api.audit(`entityType=settings&entityId=${project.id}`);
    expect(entries.map((e) => e.action)).toEqual(['update', 'update']);
    expect(entries[0]).toMatchObject({
      projectId: project.id,
      changes: { defaultWaitMs: { before: 500, after: null } },
    });
    expect(entries[1]?.changes).toEqual({
      browsers: { before: null, after: ['chromium', 'firefox'] },
      defaultWaitMs: { before: null, after: 500 },
    });

    await api.expectRejected(() => api.get('/projects/nope/settings'), 404, /project 'nope'/);
    await api.expectRejected(
      () => api.patch('/projects/nope/settings', { defaultWaitMs: 1 }),
      404,
      /project 'nope'/,
    );
    await api.expectRejected(
      () => api.patch(`/projects/${project.id}/settings`, { defaultWaitMs: -5 }),
      400,
      /defaultWaitMs: must be between 0 and 60000/,
      read,
    );
  });
});
