import type { ListeningScene } from './ui-server.ts';

/** A small REST client for setting up UI tests through Scene's public API. */
export function sceneApi(scene: ListeningScene) {
  const call = async <T>(method: string, url: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${scene.url}/api/v1${url}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status >= 300) throw new Error(`${method} ${url}: ${response.status} ${text}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  };
  interface Entity {
    id: string;
    name: string;
  }
  interface RunView {
    id: string;
    status: string;
    baselineId?: string;
    summary: { total: number; finished: number };
  }
  return {
    call,
    createProject: (name: string) => call<Entity>('POST', '/projects', { name }),
    createPage: (
      projectId: string,
      name: string,
      url: string,
      extra: Record<string, unknown> = {},
    ) => call<Entity>('POST', `/projects/${projectId}/pages`, { name, url, ...extra }),
    createBatch: (projectId: string, body: Record<string, unknown>) =>
      call<Entity>('POST', `/projects/${projectId}/batches`, {
        browsers: ['chromium'],
        viewports: ['desktop'],
        ...body,
      }),
    launchRun: (batchId: string, body: Record<string, unknown>) =>
      call<RunView>('POST', `/batches/${batchId}/runs`, body),
    getRun: (runId: string) => call<RunView>('GET', `/runs/${runId}`),
    executions: async (runId: string) =>
      (
        await call<{
          items: { id: string; pageName: string; diffLevel?: string; changedRegions?: unknown[] }[];
        }>('GET', `/runs/${runId}/executions`)
      ).items,
    /** Polls until the run has ended (no wall-clock assertion: the test's own timeout bounds it). */
    async waitForRun(runId: string): Promise<RunView> {
      for (;;) {
        const run = await call<RunView>('GET', `/runs/${runId}`);
        if (['finished', 'failed', 'cancelled'].includes(run.status)) return run;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
  };
}
