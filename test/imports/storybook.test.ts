import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../src/client/scene-client.ts';
import { decodePng } from '../../src/diff/decode-png.ts';
import {
  startStorybookServer,
  type StorybookServer,
} from '../fixtures/storybook/storybook-server.ts';
import { startCaptureHarness, type CaptureHarness } from '../support/capture-harness.ts';
import { apiChecks, injectClient, pollRun, type ApiChecks } from '../support/scene-client.ts';
import { createTestApp, dialects, type TestApp } from '../support/test-app.ts';

// A real static Storybook build (test/fixtures/storybook, built with `storybook build`):
// 6 stories of plain HTML components (one tagged no-visual, one experimental) and 2 docs
// entries, imported through the API; its batch then runs in Chromium.

interface StorybookImport {
  project: { id: string; name: string };
  changes: { action: string; entity: string; name: string }[];
  report: {
    stories: number;
    added: string[];
    updated: string[];
    removed: string[];
    kept: string[];
    skipped: { entry: string; reason: string }[];
  };
}

interface ImportedPage {
  name: string;
  url: string;
  actions: { type: string; script?: string }[];
}

const allStories = [
  'Components/Badge / New',
  'Components/Button / Primary',
  'Components/Button / Secondary',
  'Components/Card / Default',
  'Components/Card / Warning',
];

/** The Storybook changes: the Secondary button story is gone, a Large one is new. */
function replaceSecondaryWithLarge(storybook: StorybookServer): void {
  storybook.editIndex((index) => {
    delete index.entries['components-button--secondary'];
    index.entries['components-button--large'] = {
      ...(index.entries['components-button--primary'] ?? { type: 'story', title: '', tags: [] }),
      id: 'components-button--large',
      name: 'Large',
    };
    return index;
  });
}

describe.each(dialects)('Storybook import on %s', (dialect) => {
  let t: TestApp;
  let api: ApiChecks;
  let storybook: StorybookServer;
  beforeAll(async () => {
    [t, storybook] = await Promise.all([createTestApp(dialect), startStorybookServer()]);
    api = apiChecks(injectClient(t.server));
  });
  afterAll(async () => {
    await t?.close();
    await storybook?.close();
  });

  it('creates a page per story, skips docs entries and honours tag filters', async () => {
    const response = await api.post<StorybookImport>('/imports/storybook', {
      url: `${storybook.url}index.html?path=/story/components-button--primary`,
      project: 'components',
      excludeTags: ['no-visual'],
    });
    expect(response.status, response.text).toBe(200);
    const { project, report } = response.body;
    expect(report.stories).toBe(6);
    expect([...report.added].sort()).toEqual(allStories);
    expect(report.removed).toEqual([]);
    expect(report.skipped).toEqual(
      expect.arrayContaining([
        { entry: 'Introduction / Docs', reason: 'docs entry' },
        { entry: 'Components/Button / Docs', reason: 'docs entry' },
        { entry: 'Components/Card / Animated', reason: 'tagged no-visual (excluded)' },
      ]),
    );
    expect(report.skipped).toHaveLength(3);

    const pages = await api.listAll<ImportedPage>(`/projects/${project.id}/pages`, 200);
    expect(pages.map((p) => p.name).sort()).toEqual(allStories);
    const primary = pages.find((p) => p.name === 'Components/Button / Primary');
    expect(primary?.url).toBe(
      `${storybook.url}iframe.html?id=components-button--primary&viewMode=story`,
    );
    expect(primary?.actions).toEqual([
      {
        type: 'waitForFunction',
        script: expect.stringContaining('__STORYBOOK_PREVIEW__') as unknown,
      },
    ]);
    const [batch] = await api.listAll<{ name: string; pageIds: string[]; browsers: string[] }>(
      `/projects/${project.id}/batches`,
    );
    expect(batch).toMatchObject({ name: 'storybook', browsers: ['chromium'] });
    expect(batch?.pageIds).toHaveLength(5);

    // The same import again changes nothing.
    const again = await api.post<StorybookImport>('/imports/storybook', {
      url: storybook.url,
      project: 'components',
      excludeTags: ['no-visual'],
    });
    expect(again.body.changes).toEqual([]);

    // An include filter: only the experimental badge stays; the others are removed.
    const included = await api.post<StorybookImport>('/imports/storybook', {
      url: storybook.url,
      project: 'only-experimental',
      includeTags: ['experimental'],
    });
    expect(included.body.report.added).toEqual(['Components/Badge / New']);
    expect(included.body.report.skipped).toContainEqual({
      entry: 'Components/Card / Animated',
      reason: 'not tagged experimental',
    });
  });

  it('on re-import adds new stories and removes vanished ones, reporting both', async () => {
    const first = await api.post<StorybookImport>('/imports/storybook', {
      url: storybook.url,
      project: 'evolving',
    });
    expect(first.status, first.text).toBe(200);
    expect(first.body.report.added).toHaveLength(6);
    // A schedule on the imported batch survives re-imports (it is Scene's, not Storybook's).
    const [batch] = await api.listAll<{ id: string }>(`/projects/${first.body.project.id}/batches`);
    const schedule = await api.post(`/batches/${batch?.id}/schedules`, {
      cron: '0 6 * * *',
      timezone: 'Europe/Paris',
    });
    expect(schedule.status, schedule.text).toBe(201);

    replaceSecondaryWithLarge(storybook);
    try {
      const second = await api.post<StorybookImport>('/imports/storybook', {
        url: storybook.url,
        project: 'evolving',
      });
      expect(second.status, second.text).toBe(200);
      expect(second.body.report.added).toEqual(['Components/Button / Large']);
      expect(second.body.report.removed).toEqual(['Components/Button / Secondary']);
      const pages = await api.listAll<ImportedPage>(
        `/projects/${first.body.project.id}/pages`,
        200,
      );
      expect(pages.map((p) => p.name)).toContain('Components/Button / Large');
      expect(pages.map((p) => p.name)).not.toContain('Components/Button / Secondary');
      const schedules = await api.listAll<{ cron: string }>(`/batches/${batch?.id}/schedules`);
      expect(schedules.map((s) => s.cron)).toEqual(['0 6 * * *']);
    } finally {
      storybook.editIndex((index) => index);
    }
  });

  it('on re-import keeps the pages added by hand to its batch, reporting what it did', async () => {
    const first = await api.post<StorybookImport>('/imports/storybook', {
      url: storybook.url,
      project: 'with-hand-added',
      excludeTags: ['no-visual'],
    });
    expect(first.status, first.text).toBe(200);
    const projectId = first.body.project.id;
    const [batch] = await api.listAll<{ id: string; pageIds: string[] }>(
      `/projects/${projectId}/batches`,
    );
    if (!batch) throw new Error('no batch imported');
    // A page of the app itself, added to the storybook batch by hand.
    const login = await api.create<{ id: string }>(`/projects/${projectId}/pages`, {
      name: 'Login',
      url: 'http://127.0.0.1:9/login',
    });
    const added = await api.patch(`/batches/${batch.id}`, {
      pageIds: [...batch.pageIds, login.id],
    });
    expect(added.status, added.text).toBe(200);
    // A story page edited by hand: the import resets it to the story.
    const pages = await api.listAll<ImportedPage & { id: string }>(
      `/projects/${projectId}/pages`,
      200,
    );
    const primary = pages.find((p) => p.name === 'Components/Button / Primary');
    const edited = await api.patch(`/pages/${primary?.id}`, { waitMs: 500 });
    expect(edited.status, edited.text).toBe(200);

    replaceSecondaryWithLarge(storybook);
    try {
      const again = await api.post<StorybookImport>('/imports/storybook', {
        url: storybook.url,
        project: 'with-hand-added',
        excludeTags: ['no-visual'],
      });
      expect(again.status, again.text).toBe(200);
      const [after] = await api.listAll<{ pageIds: string[] }>(`/projects/${projectId}/batches`);
      expect(after?.pageIds).toContain(login.id);
      expect(after?.pageIds).toHaveLength(6);
      expect(again.body.report).toMatchObject({
        added: ['Components/Button / Large'],
        updated: ['Components/Button / Primary'],
        removed: ['Components/Button / Secondary'],
        kept: ['Login'],
      });
      const names = (await api.listAll<ImportedPage>(`/projects/${projectId}/pages`, 200)).map(
        (p) => p.name,
      );
      expect(names).toContain('Login');
      expect(names).not.toContain('Components/Button / Secondary');

      // Once more: nothing changes, and the hand-added page is still kept.
      const same = await api.post<StorybookImport>('/imports/storybook', {
        url: storybook.url,
        project: 'with-hand-added',
        excludeTags: ['no-visual'],
      });
      expect(same.body.changes).toEqual([]);
      expect(same.body.report).toMatchObject({
        added: [],
        updated: [],
        removed: [],
        kept: ['Login'],
      });
    } finally {
      storybook.editIndex((index) => index);
    }
  });

  it('refuses what is not a Storybook, changing nothing', async () => {
    const notFound = await api.post<{ error: { message: string } }>('/imports/storybook', {
      url: 'http://127.0.0.1:9/',
      project: 'nothing',
    });
    expect(notFound.status).toBe(422);
    expect(notFound.body.error.message).toMatch(
      /cannot read the Storybook at http:\/\/127\.0\.0\.1:9\//,
    );
    const badUrl = await api.post('/imports/storybook', { url: 'not a url' });
    expect(badUrl.status).toBe(400);
    // A server that answers, but with no Storybook index.
    const noIndex = await api.post<{ error: { message: string } }>('/imports/storybook', {
      url: `${storybook.url}missing/`,
      project: 'nothing',
    });
    expect(noIndex.status).toBe(422);
    expect(noIndex.body.error.message).toMatch(
      /no Storybook index at .*index\.json: HTTP 404, stories\.json: HTTP 404/,
    );
    const projects = await api.listAll<{ name: string }>('/projects');
    expect(projects.map((p) => p.name)).not.toContain('nothing');
  });
});

/** Pixels within 8 of the colour in every channel. */
function countColour(image: { data: Buffer }, [r, g, b]: [number, number, number]): number {
  let count = 0;
  const { data } = image;
  for (let i = 0; i + 2 < data.length; i += 4) {
    const near = (at: number, want: number) => Math.abs(data.readUInt8(at) - want) < 8;
    if (near(i, r) && near(i + 1, g) && near(i + 2, b)) count++;
  }
  return count;
}

describe('a run of an imported Storybook', { timeout: 300_000 }, () => {
  let h: CaptureHarness;
  let storybook: StorybookServer;
  beforeAll(async () => {
    [h, storybook] = await Promise.all([startCaptureHarness('sqlite'), startStorybookServer()]);
  });
  afterAll(async () => {
    await h?.close();
    await storybook?.close();
  });

  it('captures every story with its component rendered, not the loading screen', async () => {
    const imported = await h.api.ok<StorybookImport>('POST', '/imports/storybook', {
      url: storybook.url,
      project: 'storybook-run',
      excludeTags: ['no-visual'],
    });
    const [batch] = await h.api.listBatches(imported.project.id);
    if (!batch) throw new Error('no batch imported');
    const run = await h.api.launchRun(batch.id, { mode: 'baseline' });
    const ended: Run = await pollRun(h.api, run.id, undefined, 240_000);
    const executions = await h.api.listExecutions(run.id);
    const failed = executions.filter((e) => e.status !== 'finished');
    expect(failed.map((e) => `${e.pageName}: ${JSON.stringify(e.error)}`)).toEqual([]);
    expect(ended.status).toBe('finished');
    expect(executions.map((e) => e.pageName).sort()).toEqual(allStories);

    // Each component's own colour is on the screenshot: the story rendered (Storybook's
    // loading screen and an empty root have none of them). The cards render after a 300 ms
    // loader, which network quiet alone would not wait for.
    const colours: Record<string, [number, number, number]> = {
      'Components/Badge / New': [0xdc, 0x26, 0x26],
      'Components/Button / Primary': [0x1d, 0x4e, 0xd8],
      'Components/Button / Secondary': [0x1d, 0x4e, 0xd8],
      'Components/Card / Default': [0x15, 0x80, 0x3d],
      'Components/Card / Warning': [0xb4, 0x53, 0x09],
    };
    for (const execution of executions) {
      const screenshot = execution.artifacts.screenshot;
      if (!screenshot) throw new Error(`${execution.pageName}: no screenshot`);
      const response = await h.t.server.inject({ method: 'GET', url: screenshot });
      expect(response.statusCode).toBe(200);
      const image = await decodePng(response.rawPayload, 'screenshot');
      const colour = colours[execution.pageName];
      if (!colour) throw new Error(`unexpected page ${execution.pageName}`);
      expect(countColour(image, colour), execution.pageName).toBeGreaterThan(100);
      const log = await h.t.server.inject({ method: 'GET', url: execution.artifacts.log ?? '' });
      expect(log.body).toContain('page step 1 (waitForFunction)');
    }
  });
});
