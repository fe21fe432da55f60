import type { Execution, Run, RunLogLine } from '../../../src/runs/run.schema.ts';
import type { Baseline } from '../../../src/baselines/baseline.schema.ts';
import type { SceneServer } from '../../../src/http/server.ts';

/** A thin client of the REST API over Fastify's inject (no port needed). */
export class SceneApi {
  constructor(readonly server: SceneServer) {}

  async request<T>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: unknown,
  ): Promise<{ status: number; body: T }> {
    const response = await this.server.inject({
      method,
      url: `/api/v1${url}`,
      ...(payload !== undefined && { payload: payload as object }),
    });
    const text = response.body;
    return { status: response.statusCode, body: (text ? JSON.parse(text) : null) as T };
  }

  async ok<T>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: unknown,
  ): Promise<T> {
    const { status, body } = await this.request<T>(method, url, payload);
    if (status >= 300) {
      throw new Error(`${method} ${url} answered ${status}: ${JSON.stringify(body)}`);
    }
    return body;
  }

  run(id: string): Promise<Run> {
    return this.ok<Run>('GET', `/runs/${id}`);
  }

  async executions(runId: string): Promise<Execution[]> {
    return (await this.ok<{ items: Execution[] }>('GET', `/runs/${runId}/executions`)).items;
  }

  async log(runId: string): Promise<RunLogLine[]> {
    return (await this.ok<{ items: RunLogLine[] }>('GET', `/runs/${runId}/log?limit=5000`)).items;
  }

  launch(
    batchId: string,
    body: {
      mode: 'baseline' | 'compare';
      baselineId?: string;
      jiraIssue?: string | null;
      branch?: string;
      baseBranch?: string;
      commit?: string;
    },
  ): Promise<Run> {
    return this.ok<Run>('POST', `/batches/${batchId}/runs`, body);
  }

  async baselines(batchId: string): Promise<Baseline[]> {
    return (await this.ok<{ items: Baseline[] }>('GET', `/baselines?batchId=${batchId}`)).items;
  }

  /** Polls until `done(run)`; gives up after `limitMs` (a hang guard, not a timing assertion). */
  async waitForRun(
    runId: string,
    done: (run: Run) => boolean = (run) =>
      run.status === 'finished' || run.status === 'failed' || run.status === 'cancelled',
    limitMs = 90_000,
  ): Promise<Run> {
    const giveUpAt = Date.now() + limitMs;
    for (;;) {
      const run = await this.run(runId);
      if (done(run)) return run;
      if (Date.now() > giveUpAt) {
        throw new Error(`run ${runId} did not get there: ${JSON.stringify(run)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async waitForExecutions(
    runId: string,
    done: (executions: Execution[]) => boolean,
    limitMs = 60_000,
  ): Promise<Execution[]> {
    const giveUpAt = Date.now() + limitMs;
    for (;;) {
      const executions = await this.executions(runId);
      if (done(executions)) return executions;
      if (Date.now() > giveUpAt) {
        throw new Error(`executions of ${runId} did not get there: ${JSON.stringify(executions)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

export interface PageSpec {
  name: string;
  url: string;
  actions?: { type: string; selector?: string; value?: string; ms?: number }[];
  ignoreRegions?: { x: number; y: number; width: number; height: number }[];
  maskSelectors?: string[];
}

export interface BatchSpec {
  pages: PageSpec[];
  tasks?: { name: string; actions?: { type: string; selector?: string }[] }[];
  browsers?: string[];
  viewports?: string[];
  executionDiffThreshold?: number;
  jiraIssue?: string;
}

/** A project with pages, tasks and one batch over all of them. */
export async function createBatch(
  api: SceneApi,
  spec: BatchSpec,
): Promise<{ projectId: string; batchId: string; pageIds: string[]; taskIds: string[] }> {
  const project = await api.ok<{ id: string }>('POST', '/projects', {
    name: `project-${Math.random().toString(36).slice(2, 10)}`,
  });
  const pageIds: string[] = [];
  for (const page of spec.pages) {
    pageIds.push((await api.ok<{ id: string }>('POST', `/projects/${project.id}/pages`, page)).id);
  }
  const taskIds: string[] = [];
  for (const task of spec.tasks ?? []) {
    taskIds.push((await api.ok<{ id: string }>('POST', `/projects/${project.id}/tasks`, task)).id);
  }
  const batch = await api.ok<{ id: string }>('POST', `/projects/${project.id}/batches`, {
    name: 'batch',
    pageIds,
    taskIds,
    browsers: spec.browsers ?? ['chromium'],
    viewports: spec.viewports ?? ['desktop'],
    ...(spec.executionDiffThreshold !== undefined && {
      executionDiffThreshold: spec.executionDiffThreshold,
    }),
    ...(spec.jiraIssue !== undefined && { jiraIssue: spec.jiraIssue }),
  });
  return { projectId: project.id, batchId: batch.id, pageIds, taskIds };
}
