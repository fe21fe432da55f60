import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPagesForCapture } from '../../src/pages/pages.repository.ts';
import {
  committedSchemaFile,
  projectFileJsonSchemaText,
} from '../../src/project-files/write-json-schema.ts';
import { apiChecks, injectClient, type ApiChecks } from '../support/scene-client.ts';
import { createTestApp, dialects, type TestApp } from '../support/test-app.ts';

interface ApplyResult {
  project: { id: string | null; name: string };
  dryRun: boolean;
  changes: { action: string; entity: string; name: string; fields?: string[] }[];
}
interface Problem {
  file: string;
  line: number;
  field: string;
  message: string;
}

/** A project with one of everything the file describes, built through the API. */
async function buildProject(api: ApiChecks): Promise<string> {
  const project = await api.create<{ id: string }>('/projects', {
    name: 'Shop',
    description: 'The shop front',
  });
  const base = `/projects/${project.id}`;
  const settings = await api.call('PATCH', `${base}/settings`, {
    viewports: [
      { name: 'desktop', width: 1280, height: 800 },
      { name: 'tablet', width: 768, height: 1024 },
    ],
    defaultWaitMs: 250,
  });
  expect(settings.status, settings.text).toBe(200);
  const home = await api.create<{ id: string }>(`${base}/pages`, {
    name: 'Home',
    url: 'https://shop.example/',
    referenceUrl: 'https://prod.shop.example/',
    actions: [
      { type: 'click', selector: '#accept' },
      { type: 'waitForTimeout', ms: 200 },
    ],
    script: 'document.body.dataset.visual = "1"',
    hideSelectors: ['.clock'],
    removeSelectors: ['#chat'],
    maskSelectors: ['.avatar'],
    ignoreRegions: [{ x: 0, y: 0, width: 100, height: 20 }],
    waitMs: 500,
    freezeTime: false,
  });
  const account = await api.create<{ id: string }>(`${base}/pages`, {
    name: 'My account',
    url: 'https://shop.example/account',
    basicAuth: { username: 'visual', password: 's3cret-pw' },
    capture: { scope: 'elements', selectors: ['#balance', '.orders'] },
  });
  const login = await api.create<{ id: string }>(`${base}/tasks`, {
    name: 'Open menu',
    actions: [{ type: 'hover', selector: 'nav' }],
    capture: { scope: 'viewport' },
  });
  const nightly = await api.create<{ id: string }>(`${base}/batches`, {
    name: 'Nightly',
    pageIds: [account.id, home.id],
    taskIds: [login.id],
    browsers: ['chromium'],
    viewports: ['desktop', 'tablet'],
    jiraIssue: 'SHOP-12',
    executionDiffThreshold: 0.5,
    seedRandom: false,
  });
  await api.create(`/batches/${nightly.id}/schedules`, {
    cron: '0 3 * * 1-5',
    timezone: 'Europe/Paris',
    branch: 'main',
  });
  await api.create(`${base}/webhooks`, {
    url: 'https://hooks.example/scene',
    events: ['run.finished', 'run.failed'],
    description: 'CI bot',
  });
  return project.id;
}

describe.each(dialects)('project files on %s', (dialect) => {
  let source: TestApp;
  let target: TestApp;
  let from: ApiChecks;
  let to: ApiChecks;
  let exported: string;

  const apply = (api: ApiChecks, file: string, options: Record<string, unknown> = {}) =>
    api.post<ApplyResult>('/projects/apply', {
      file,
      environment: { SCENE_PASSWORD_MY_ACCOUNT: 's3cret-pw' },
      ...options,
    });
  const exportOf = async (api: ApiChecks, id: string, format = 'yaml') => {
    const response = await api.get(`/projects/${id}/export?format=${format}`);
    expect(response.status, response.text).toBe(200);
    return response.text;
  };

  beforeAll(async () => {
    source = await createTestApp(dialect);
    target = await createTestApp(dialect);
    from = apiChecks(injectClient(source.server));
    to = apiChecks(injectClient(target.server));
    exported = await exportOf(from, await buildProject(from));
  });
  afterAll(async () => {
    await source?.close();
    await target?.close();
  });

  it('exports every part of the project, secrets only as ${ENV_VAR}', () => {
    expect(exported).toContain('name: Shop');
    expect(exported).toContain('referenceUrl: https://prod.shop.example/');
    expect(exported).toContain('password: ${SCENE_PASSWORD_MY_ACCOUNT}');
    expect(exported).toContain('- My account');
    expect(exported).toContain('url: https://hooks.example/scene');
    expect(exported).toContain('defaultWaitMs: 250');
    expect(exported).toContain(
      'capture:\n      scope: elements\n      selectors:\n        - "#balance"\n        - .orders\n',
    );
    expect(exported).toContain('capture:\n      scope: viewport\n');
    expect(exported).toContain(
      'schedules:\n      - cron: 0 3 * * 1-5\n        timezone: Europe/Paris\n        branch: main\n',
    );
    expect(exported).not.toContain('s3cret-pw');
    expect(exported).not.toMatch(/secret:/);
  });

  it('applies the export on an empty server and exports the same file; a second apply changes nothing', async () => {
    const first = await apply(to, exported, { fileName: 'shop/scene.yaml' });
    expect(first.status, first.text).toBe(200);
    expect(first.body.changes.map((c) => `${c.action} ${c.entity} ${c.name}`)).toEqual([
      'create project Shop',
      'update settings Shop',
      'create page Home',
      'create page My account',
      'create task Open menu',
      'create batch Nightly',
      'create schedule Nightly: 0 3 * * 1-5 Europe/Paris',
      'create webhook https://hooks.example/scene',
    ]);
    const id = first.body.project.id as string;
    expect(await exportOf(to, id)).toBe(exported);
    const [account] = await findPagesForCapture(
      target.app.db,
      (await to.listAll<{ id: string; name: string }>(`/projects/${id}/pages`))
        .filter((p) => p.name === 'My account')
        .map((p) => p.id),
    );
    expect(account?.basicAuth).toEqual({ username: 'visual', password: 's3cret-pw' });

    const auditBefore = (await to.audit()).length;
    const second = await apply(to, exported);
    expect(second.body).toEqual({ project: { id, name: 'Shop' }, dryRun: false, changes: [] });
    expect((await to.audit()).length).toBe(auditBefore);

    // JSON round trip too.
    const json = await exportOf(to, id, 'json');
    const again = await apply(to, json, { fileName: 'scene.json' });
    expect(again.body.changes).toEqual([]);
    expect((await to.audit()).length).toBe(auditBefore);
  });

  it('plans without changing anything on --dry-run, then applies and prunes', async () => {
    const id = (
      await to.get<{ items: { id: string; name: string }[] }>('/projects')
    ).body.items.find((p) => p.name === 'Shop')?.id as string;
    const changed = exported
      .replace('url: https://shop.example/\n', 'url: https://shop.example/home\n')
      .replace('  - name: Open menu\n', '  - name: Open menu\n    script: window.scrollTo(0, 9)\n')
      .replace('- cron: 0 3 * * 1-5', '- cron: 0 4 * * 1-5')
      .replace(
        /webhooks:\n[\s\S]*$/,
        'webhooks:\n  - url: https://hooks.example/other\n    events: ["*"]\n',
      );
    const before = await exportOf(to, id);
    const auditBefore = (await to.audit()).length;
    const plan = await apply(to, changed, { dryRun: true, prune: true });
    expect(plan.status, plan.text).toBe(200);
    expect(plan.body.dryRun).toBe(true);
    expect(plan.body.changes).toEqual([
      { action: 'update', entity: 'page', name: 'Home', fields: ['url'] },
      { action: 'update', entity: 'task', name: 'Open menu', fields: ['script'] },
      { action: 'create', entity: 'schedule', name: 'Nightly: 0 4 * * 1-5 Europe/Paris' },
      { action: 'delete', entity: 'schedule', name: 'Nightly: 0 3 * * 1-5 Europe/Paris' },
      { action: 'create', entity: 'webhook', name: 'https://hooks.example/other' },
      { action: 'delete', entity: 'webhook', name: 'https://hooks.example/scene' },
    ]);
    expect(await exportOf(to, id)).toBe(before);
    expect((await to.audit()).length).toBe(auditBefore);

    const applied = await apply(to, changed, { prune: true });
    expect(applied.body.changes).toEqual(plan.body.changes);
    const now = await exportOf(to, id);
    expect(now).toContain('url: https://shop.example/home');
    expect(now).not.toContain('hooks.example/scene');
    expect((await to.audit()).length).toBe(auditBefore + 6);

    // Without --prune, what the file lacks stays.
    const fewer = changed.replace(/webhooks:\n[\s\S]*$/, '');
    expect((await apply(to, fewer)).body.changes).toEqual([]);
    expect(await exportOf(to, id)).toContain('hooks.example/other');
  });

  it('refuses an invalid file naming the file and line, and changes nothing', async () => {
    const id = (
      await to.get<{ items: { id: string; name: string }[] }>('/projects')
    ).body.items.find((p) => p.name === 'Shop')?.id as string;
    const before = await exportOf(to, id);
    const lineOf = (text: string, needle: string) =>
      text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    const cases: { file: string; needle: string; message: RegExp }[] = [
      {
        file: before.replace('    waitMs: 500\n', '    waitMs: 500\n    colour: red\n'),
        needle: 'colour: red',
        message: /unknown field 'colour'/,
      },
      {
        file: before.replace('  - name: My account\n', '  - name: Home\n'),
        needle: '', // found below: the second "- name: Home" of pages
        message: /duplicate page name 'Home'/,
      },
      {
        file: before.replace('      - My account\n', '      - Checkout\n'),
        needle: '- Checkout',
        message: /no page named 'Checkout'/,
      },
    ];
    for (const { file, needle, message } of cases) {
      const auditBefore = (await to.audit()).length;
      const response = await apply(to, file, { fileName: 'shop/scene.yaml' });
      expect(response.status, response.text).toBe(422);
      const error = (
        response.body as unknown as { error: { message: string; details: { problems: Problem[] } } }
      ).error;
      expect(error.message).toMatch(message);
      const [problem] = error.details.problems;
      const line = needle
        ? lineOf(file, needle)
        : file.split('\n').findLastIndex((l) => l === '  - name: Home') + 1;
      expect(problem).toMatchObject({ file: 'shop/scene.yaml', line });
      expect(error.message).toContain(`shop/scene.yaml:${line}:`);
      expect(await exportOf(to, id)).toBe(before);
      expect((await to.audit()).length).toBe(auditBefore);
    }

    // A service's refusal (a viewport the settings lack) names the batch's line; nothing stays.
    const bad = before.replace('      - tablet\n', '      - watch\n');
    const response = await apply(
      to,
      bad.replace('url: https://shop.example/home', 'url: https://shop.example/new'),
    );
    expect(response.status, response.text).toBe(422);
    expect(response.text).toMatch(
      /scene\.yaml:\d+:\d+: batches\[0\]: viewports: not in the settings: watch/,
    );
    expect(await exportOf(to, id)).toBe(before);
  });

  it('publishes the JSON Schema of the file, the one committed in schemas/', async () => {
    const response = await to.get('/project-file.schema.json');
    expect(response.status).toBe(200);
    expect(`${JSON.stringify(response.body, null, 2)}\n`).toBe(projectFileJsonSchemaText());
    expect(JSON.parse(readFileSync(committedSchemaFile, 'utf8'))).toEqual(
      JSON.parse(projectFileJsonSchemaText()),
    );
  });
});
