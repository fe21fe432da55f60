import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, dialects, type TestApp } from '../support/test-app.ts';
import { apiChecks, injectClient, type ApiChecks } from '../support/scene-client.ts';

interface TaskBody {
  id: string;
  projectId: string;
  name: string;
  actions: unknown[];
  script?: string;
}

describe.each(dialects)('tasks API on %s', (dialect) => {
  let t: TestApp;
  let api: ApiChecks;
  let projectId: string;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    api = apiChecks(injectClient(t.server));
    projectId = (await api.project('Tasks project')).id;
  });
  afterAll(() => t.close());

  it('creates, reads, lists, updates and deletes a task, auditing each change', async () => {
    const task = await api.create<TaskBody>(`/projects/${projectId}/tasks`, {
      name: 'Open menu',
      actions: [
        { type: 'click', selector: 'button.menu' },
        { type: 'waitForSelector', selector: 'nav.open' },
      ],
    });
    expect(task).toMatchObject({ projectId, name: 'Open menu' });
    expect(task).not.toHaveProperty('script');
    expect((await api.get(`/tasks/${task.id}`)).body).toEqual(task);

    const bare = await api.create<TaskBody>(`/projects/${projectId}/tasks`, { name: 'Bare' });
    expect(bare.actions).toEqual([]);

    const patched = await api.patch<TaskBody>(`/tasks/${task.id}`, {
      script: 'window.scrollTo(0, 500)',
      actions: [],
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body).toMatchObject({
      name: 'Open menu',
      actions: [],
      script: 'window.scrollTo(0, 500)',
    });
    const unscripted = await api.patch<TaskBody>(`/tasks/${task.id}`, { script: null });
    expect(unscripted.body).not.toHaveProperty('script');

    const listed = await api.listAll<TaskBody>(`/projects/${projectId}/tasks`, 1);
    expect(listed.map((x) => x.name)).toEqual(['Bare', 'Open menu']);

    expect((await api.delete(`/tasks/${task.id}`)).status).toBe(204);
    expect((await api.get(`/tasks/${task.id}`)).status).toBe(404);

    const entries = await api.audit(`entityType=task&entityId=${task.id}`);
    expect(entries.map((e) => e.action)).toEqual(['delete', 'update', 'update', 'create']);
    expect(entries[2]?.changes).toEqual({
      script: { before: null, after: 'window.scrollTo(0, 500)' },
      actions: { before: task.actions, after: [] },
    });
    expect(entries[1]?.changes).toEqual({
      script: { before: 'window.scrollTo(0, 500)', after: null },
    });
    expect(entries[0]?.changes.name).toEqual({ before: 'Open menu', after: null });
  });

  it('rejects bad input with a message that says what to fix, and changes nothing', async () => {
    const task = await api.create<TaskBody>(`/projects/${projectId}/tasks`, { name: 'Fill form' });
    const tasks = () => api.listAll(`/projects/${projectId}/tasks`, 200);
    const url = `/projects/${projectId}/tasks`;
    const cases: [unknown, number, RegExp][] = [
      [{}, 400, /name/],
      [{ name: ['x'] }, 400, /name: .*string/i],
      [{ name: 'x', steps: [] }, 400, /unknown field\(s\), remove: "steps"/],
      [{ name: 'x', script: 'x'.repeat(100_001) }, 400, /script: must be at most 100000/],
      [{ name: 'x', actions: [{ type: 'type', selector: 'input' }] }, 400, /needs a value/],
      [{ name: 'x', actions: 'click' }, 400, /actions/],
      [{ name: 'Fill form' }, 409, /already has a task named 'Fill form'/],
    ];
    for (const [payload, status, message] of cases) {
      await api.expectRejected(() => api.post(url, payload), status, message, tasks);
    }
    await api.expectRejected(() => api.post(url, '{'), 400, /not valid JSON/, tasks);
    await api.expectRejected(
      () => api.patch(`/tasks/${task.id}`, { name: '' }),
      400,
      /name: must not be empty/,
      () => api.get(`/tasks/${task.id}`),
    );
    await api.expectRejected(() => api.get('/tasks/nope'), 404, /task 'nope' does not exist/);
    await api.expectRejected(() => api.delete('/tasks/nope'), 404, /task 'nope'/);
    await api.expectRejected(
      () => api.post('/projects/nope/tasks', { name: 'x' }),
      404,
      /project 'nope'/,
      tasks,
    );
  });
});
