import type { z } from 'zod';
import type { AuditEntry } from '../audit/audit.types.ts';
import type { BaselineHistoryEntry } from '../baselines/baseline-history.ts';
import type { Baseline } from '../baselines/baseline.schema.ts';
import type { Batch, createBatchSchema, updateBatchSchema } from '../batches/batch.schema.ts';
import type { Page, createPageSchema, updatePageSchema } from '../pages/page.schema.ts';
import type {
  Project,
  createProjectSchema,
  updateProjectSchema,
} from '../projects/project.schema.ts';
import type {
  Execution,
  Run,
  RunLogLine,
  launchRunSchema,
  runListQuerySchema,
} from '../runs/run.schema.ts';
import type {
  ProjectSettings,
  Settings,
  settingsPatchSchema,
} from '../settings/settings.schema.ts';
import type { RunStatus } from '../shared/domain.ts';
import type { Task, createTaskSchema, updateTaskSchema } from '../tasks/task.schema.ts';
import type {
  Delivery,
  Webhook,
  WebhookWithSecret,
  createWebhookSchema,
  updateWebhookSchema,
} from '../webhooks/webhook.schema.ts';
import type { ApplyResult } from '../project-files/apply-project.ts';
import type { applyBodySchema } from '../http/api/project-files.routes.ts';
import { readSseEvents } from './sse.ts';

// A client of Scene's REST API (/api/v1) and run event stream, typed by the API's own schemas
// (type imports only: at run time it needs nothing but Node's fetch). Used by `scene run` and
// by the test suite, which hands it Fastify's inject as its transport.

export type {
  AuditEntry,
  Baseline,
  Batch,
  Delivery,
  Execution,
  Page,
  Project,
  ProjectSettings,
  Run,
  RunLogLine,
  Settings,
  Task,
  Webhook,
  WebhookWithSecret,
};

/** The part of `fetch` the client uses; `injectFetch` in the tests implements it over inject. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface SceneClientOptions {
  /** Base URL of the server, e.g. http://localhost:8080 (a trailing slash is fine). */
  server: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string | undefined;
  /** Defaults to the global fetch. */
  fetch?: FetchLike;
}

export interface ApiResponse<T> {
  status: number;
  /** The parsed JSON body; null when the body was empty. */
  body: T;
  /** The raw body text. */
  text: string;
  headers: Headers;
}

/** A list page: `{items, nextCursor}`. */
export interface Listing<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** The server answered, but not with 2xx. */
export class SceneApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  readonly body: unknown;

  constructor(method: string, path: string, response: ApiResponse<unknown>, message?: string) {
    const error = (response.body as Partial<ApiErrorBody> | null)?.error;
    const reason = error?.message ?? (response.text.slice(0, 200) || '(empty body)');
    super(message ?? `${method} ${path} answered ${response.status}: ${reason}`);
    this.name = 'SceneApiError';
    this.status = response.status;
    this.code = error?.code;
    this.body = response.body;
  }
}

/** No HTTP answer at all: refused, DNS, reset, TLS. */
export class SceneUnreachableError extends Error {
  constructor(
    readonly server: string,
    cause: unknown,
  ) {
    const reason = describeNetworkError(cause);
    super(`cannot reach the Scene server at ${server}: ${reason}`, { cause });
    this.name = 'SceneUnreachableError';
  }
}

function describeNetworkError(error: unknown): string {
  // fetch wraps the socket error as `cause`: ECONNREFUSED, ENOTFOUND, "bad port", or an
  // AggregateError of one error per address tried.
  type Cause = { code?: string; message?: string; errors?: Cause[] };
  const cause = (error as { cause?: Cause } | null)?.cause;
  const describe = (c: Cause): string =>
    c.code ? `${c.code}${c.message ? ` (${c.message})` : ''}` : (c.message ?? 'unknown error');
  if (cause?.errors?.length) return cause.errors.map(describe).join('; ');
  if (cause) return describe(cause);
  return error instanceof Error ? error.message : String(error);
}

export type CreateProjectInput = z.input<typeof createProjectSchema>;
export type UpdateProjectInput = z.input<typeof updateProjectSchema>;
export type CreatePageInput = z.input<typeof createPageSchema>;
export type UpdatePageInput = z.input<typeof updatePageSchema>;
export type CreateTaskInput = z.input<typeof createTaskSchema>;
export type UpdateTaskInput = z.input<typeof updateTaskSchema>;
export type CreateBatchInput = z.input<typeof createBatchSchema>;
export type UpdateBatchInput = z.input<typeof updateBatchSchema>;
export type LaunchRunInput = z.input<typeof launchRunSchema>;
export type RunListQuery = Omit<z.input<typeof runListQuerySchema>, 'limit'> & { limit?: number };
export type SettingsPatch = z.input<typeof settingsPatchSchema>;
export type CreateWebhookInput = z.input<typeof createWebhookSchema>;
export type ApplyProjectFileInput = z.input<typeof applyBodySchema>;
export type { ApplyResult };
export type UpdateWebhookInput = z.input<typeof updateWebhookSchema>;

/** The events of `GET /runs/{id}/events`, as the server sends them. */
export type RunEvent =
  | { type: 'snapshot'; run: Run; executions: Execution[] }
  | { type: 'run'; run: Run }
  | { type: 'execution'; execution: Execution }
  | { type: 'log'; line: RunLogLine }
  | { type: 'summary'; run: Run }
  | { type: 'deleted'; runId: string };

const terminal: readonly RunStatus[] = ['finished', 'failed', 'cancelled'];

export function isRunTerminal(status: RunStatus): boolean {
  return terminal.includes(status);
}

/** A batch found by `resolveBatch`, with its project's name. */
export interface ResolvedBatch {
  batch: Batch;
  projectName: string;
}

function query(params: Record<string, string | number | boolean | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null) search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

const enc = encodeURIComponent;

export class SceneClient {
  /** Base URL without a trailing slash. */
  readonly server: string;
  readonly #token: string | undefined;
  readonly #fetch: FetchLike;

  constructor(options: SceneClientOptions) {
    this.server = options.server.replace(/\/+$/, '');
    this.#token = options.token;
    this.#fetch = options.fetch ?? ((url, init) => fetch(url, init));
  }

  /** The UI page of a run. */
  runUrl(runId: string): string {
    return `${this.server}/runs/${enc(runId)}`;
  }

  /** The viewer of an execution. */
  executionUrl(executionId: string): string {
    return `${this.server}/executions/${enc(executionId)}`;
  }

  #headers(body: boolean, extra?: HeadersInit): Headers {
    const headers = new Headers(extra);
    if (body && !headers.has('content-type')) headers.set('content-type', 'application/json');
    if (this.#token !== undefined) headers.set('authorization', `Bearer ${this.#token}`);
    return headers;
  }

  /** One raw call to `/api/v1<path>`. */
  async send(
    method: HttpMethod,
    path: string,
    init: { body?: string; headers?: HeadersInit; signal?: AbortSignal } = {},
  ): Promise<Response> {
    try {
      return await this.#fetch(`${this.server}/api/v1${path}`, {
        method,
        headers: this.#headers(init.body !== undefined, init.headers),
        ...(init.body !== undefined && { body: init.body }),
        ...(init.signal && { signal: init.signal }),
      });
    } catch (error) {
      if (init.signal?.aborted) throw error;
      throw new SceneUnreachableError(this.server, error);
    }
  }

  /**
   * One JSON call; answers whatever the status (tests assert on errors). `body` is sent as JSON
   * unless it is a string, which is sent as it is (for malformed-body tests).
   */
  async request<T = unknown>(
    method: HttpMethod,
    path: string,
    body?: unknown,
    init: { headers?: HeadersInit; signal?: AbortSignal } = {},
  ): Promise<ApiResponse<T>> {
    const response = await this.send(method, path, {
      ...init,
      ...(body !== undefined && {
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    });
    const text = await response.text();
    let parsed: unknown = null;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text; // not JSON (e.g. a proxy's error page): the text itself
      }
    }
    return { status: response.status, body: parsed as T, text, headers: response.headers };
  }

  /** One JSON call that must answer 2xx; throws SceneApiError otherwise. */
  async ok<T>(method: HttpMethod, path: string, body?: unknown): Promise<T> {
    const response = await this.request<T>(method, path, body);
    if (response.status < 200 || response.status >= 300) {
      throw new SceneApiError(method, path, response);
    }
    return response.body;
  }

  /** Every item of a paginated list, following nextCursor. */
  async listAll<T>(path: string, limit = 200): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const page: Listing<T> = await this.ok<Listing<T>>(
        'GET',
        `${path}${sep}limit=${limit}${cursor ? `&cursor=${enc(cursor)}` : ''}`,
      );
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  }

  // ---- projects and what they own ----

  listProjects(): Promise<Project[]> {
    return this.listAll<Project>('/projects');
  }
  getProject(id: string): Promise<Project> {
    return this.ok('GET', `/projects/${enc(id)}`);
  }
  createProject(input: CreateProjectInput): Promise<Project> {
    return this.ok('POST', '/projects', input);
  }
  updateProject(id: string, patch: UpdateProjectInput): Promise<Project> {
    return this.ok('PATCH', `/projects/${enc(id)}`, patch);
  }
  async deleteProject(id: string): Promise<void> {
    await this.ok('DELETE', `/projects/${enc(id)}`);
  }
  /** The project as a project file (YAML or JSON text). */
  async exportProject(id: string, format: 'yaml' | 'json' = 'yaml'): Promise<string> {
    const path = `/projects/${enc(id)}/export?format=${format}`;
    const response = await this.request('GET', path);
    if (response.status !== 200) throw new SceneApiError('GET', path, response);
    return response.text;
  }
  applyProjectFile(input: ApplyProjectFileInput): Promise<ApplyResult> {
    return this.ok('POST', '/projects/apply', input);
  }

  listPages(projectId: string): Promise<Page[]> {
    return this.listAll<Page>(`/projects/${enc(projectId)}/pages`);
  }
  getPage(id: string): Promise<Page> {
    return this.ok('GET', `/pages/${enc(id)}`);
  }
  createPage(projectId: string, input: CreatePageInput): Promise<Page> {
    return this.ok('POST', `/projects/${enc(projectId)}/pages`, input);
  }
  updatePage(id: string, patch: UpdatePageInput): Promise<Page> {
    return this.ok('PATCH', `/pages/${enc(id)}`, patch);
  }
  async deletePage(id: string): Promise<void> {
    await this.ok('DELETE', `/pages/${enc(id)}`);
  }

  listTasks(projectId: string): Promise<Task[]> {
    return this.listAll<Task>(`/projects/${enc(projectId)}/tasks`);
  }
  getTask(id: string): Promise<Task> {
    return this.ok('GET', `/tasks/${enc(id)}`);
  }
  createTask(projectId: string, input: CreateTaskInput): Promise<Task> {
    return this.ok('POST', `/projects/${enc(projectId)}/tasks`, input);
  }
  updateTask(id: string, patch: UpdateTaskInput): Promise<Task> {
    return this.ok('PATCH', `/tasks/${enc(id)}`, patch);
  }
  async deleteTask(id: string): Promise<void> {
    await this.ok('DELETE', `/tasks/${enc(id)}`);
  }

  listBatches(projectId: string): Promise<Batch[]> {
    return this.listAll<Batch>(`/projects/${enc(projectId)}/batches`);
  }
  getBatch(id: string): Promise<Batch> {
    return this.ok('GET', `/batches/${enc(id)}`);
  }
  createBatch(projectId: string, input: CreateBatchInput): Promise<Batch> {
    return this.ok('POST', `/projects/${enc(projectId)}/batches`, input);
  }
  updateBatch(id: string, patch: UpdateBatchInput): Promise<Batch> {
    return this.ok('PATCH', `/batches/${enc(id)}`, patch);
  }
  async deleteBatch(id: string): Promise<void> {
    await this.ok('DELETE', `/batches/${enc(id)}`);
  }

  /**
   * A batch by id, or by `project-name/batch-name` (names as shown in the UI; the id is tried
   * first). Throws SceneApiError (404) when neither finds one, naming what was looked for.
   */
  async resolveBatch(ref: string): Promise<ResolvedBatch> {
    const slash = ref.indexOf('/');
    if (slash < 0) {
      const batch = await this.getBatch(ref);
      const project = await this.getProject(batch.projectId);
      return { batch, projectName: project.name };
    }
    const projectName = ref.slice(0, slash);
    const batchName = ref.slice(slash + 1);
    const projects = (await this.listProjects()).filter((p) => p.name === projectName);
    if (projects.length === 0) throw notFound(`no project named '${projectName}'`);
    for (const project of projects) {
      const batch = (await this.listBatches(project.id)).find((b) => b.name === batchName);
      if (batch) return { batch, projectName: project.name };
    }
    throw notFound(`project '${projectName}' has no batch named '${batchName}'`);
  }

  // ---- settings ----

  getSettings(): Promise<Settings> {
    return this.ok('GET', '/settings');
  }
  updateSettings(patch: SettingsPatch): Promise<Settings> {
    return this.ok('PATCH', '/settings', patch);
  }
  getProjectSettings(projectId: string): Promise<ProjectSettings> {
    return this.ok('GET', `/projects/${enc(projectId)}/settings`);
  }

  // ---- runs ----

  launchRun(batchId: string, input: LaunchRunInput): Promise<Run> {
    return this.ok('POST', `/batches/${enc(batchId)}/runs`, input);
  }
  getRun(id: string): Promise<Run> {
    return this.ok('GET', `/runs/${enc(id)}`);
  }
  listRuns(filter: RunListQuery = {}): Promise<Listing<Run>> {
    return this.ok('GET', `/runs${query(filter)}`);
  }
  cancelRun(id: string): Promise<Run> {
    return this.ok('POST', `/runs/${enc(id)}/cancel`);
  }
  retryRun(id: string): Promise<Run> {
    return this.ok('POST', `/runs/${enc(id)}/retry`);
  }
  async deleteRun(id: string): Promise<void> {
    await this.ok('DELETE', `/runs/${enc(id)}`);
  }
  async listExecutions(runId: string): Promise<Execution[]> {
    return (await this.ok<Listing<Execution>>('GET', `/runs/${enc(runId)}/executions`)).items;
  }
  /** The whole stored log of a run, oldest first. */
  runLog(runId: string, executionId?: string): Promise<RunLogLine[]> {
    return this.listAll<RunLogLine>(`/runs/${enc(runId)}/log${query({ executionId })}`, 5000);
  }

  getExecution(id: string): Promise<Execution> {
    return this.ok('GET', `/executions/${enc(id)}`);
  }
  cancelExecution(id: string): Promise<Execution> {
    return this.ok('POST', `/executions/${enc(id)}/cancel`);
  }
  retryExecution(id: string): Promise<Execution> {
    return this.ok('POST', `/executions/${enc(id)}/retry`);
  }
  approveExecution(id: string): Promise<Execution> {
    return this.ok('POST', `/executions/${enc(id)}/approve`);
  }
  rejectExecution(id: string): Promise<Execution> {
    return this.ok('POST', `/executions/${enc(id)}/reject`);
  }
  /** Approves many executions of a run at once: by default every change. */
  approveRun(
    runId: string,
    input: { executionIds?: string[]; levels?: ('major' | 'minor' | 'none' | 'new')[] } = {},
  ): Promise<{ approved: number; bulkApprovalId?: string }> {
    return this.ok('POST', `/runs/${enc(runId)}/approve`, input);
  }
  undoRunApproval(runId: string): Promise<{ undone: number; skipped: number }> {
    return this.ok('POST', `/runs/${enc(runId)}/approve/undo`);
  }

  listBaselines(filter: { batchId?: string; projectId?: string } = {}): Promise<Baseline[]> {
    return this.listAll<Baseline>(`/baselines${query(filter)}`);
  }
  getBaseline(id: string): Promise<Baseline> {
    return this.ok('GET', `/baselines/${enc(id)}`);
  }
  /** The images a cell of the baseline has had, newest first. */
  async baselineHistory(baselineId: string, matrixKey: string): Promise<BaselineHistoryEntry[]> {
    return (
      await this.ok<Listing<BaselineHistoryEntry>>(
        'GET',
        `/baselines/${enc(baselineId)}/history${query({ matrixKey })}`,
      )
    ).items;
  }
  revertBaselineEntry(
    entryId: string,
  ): Promise<{ baseline: Baseline; entry: BaselineHistoryEntry; changed: boolean }> {
    return this.ok('POST', `/baseline-entries/${enc(entryId)}/revert`);
  }

  // ---- webhooks ----

  listWebhooks(projectId: string): Promise<Webhook[]> {
    return this.listAll<Webhook>(`/projects/${enc(projectId)}/webhooks`);
  }
  createWebhook(projectId: string, input: CreateWebhookInput): Promise<WebhookWithSecret> {
    return this.ok('POST', `/projects/${enc(projectId)}/webhooks`, input);
  }
  getWebhook(id: string): Promise<Webhook> {
    return this.ok('GET', `/webhooks/${enc(id)}`);
  }
  updateWebhook(id: string, patch: UpdateWebhookInput): Promise<Webhook> {
    return this.ok('PATCH', `/webhooks/${enc(id)}`, patch);
  }
  listDeliveries(webhookId: string, status?: Delivery['status']): Promise<Delivery[]> {
    return this.listAll<Delivery>(`/webhooks/${enc(webhookId)}/deliveries${query({ status })}`);
  }

  /** Every audit entry matching the filter, newest first. */
  audit(
    filter: { projectId?: string; entityType?: string; entityId?: string } = {},
  ): Promise<AuditEntry[]> {
    return this.listAll<AuditEntry>(`/audit${query(filter)}`);
  }

  // ---- the run event stream ----

  /**
   * The events of a run as they arrive: a `snapshot` first, then `run`, `execution` and `log`,
   * ending after `summary` or `deleted` (the server closes the stream then). Throws
   * SceneApiError when the run does not exist, and an Error when the stream ends early.
   */
  async *runEvents(runId: string, signal?: AbortSignal): AsyncGenerator<RunEvent> {
    const path = `/runs/${enc(runId)}/events`;
    const response = await this.send('GET', path, {
      headers: { accept: 'text/event-stream' },
      ...(signal && { signal }),
    });
    if (!response.ok || !response.body) {
      const text = await response.text();
      throw new SceneApiError('GET', path, {
        status: response.status,
        body: parseJson(text),
        text,
        headers: response.headers,
      });
    }
    for await (const message of readSseEvents(response.body)) {
      const data = JSON.parse(message.data) as Record<string, unknown>;
      const event = { type: message.event, ...data } as RunEvent;
      yield event;
      if (event.type === 'summary' || event.type === 'deleted') return;
    }
    throw new Error(`the event stream of run ${runId} ended before the run did`);
  }

  /**
   * Follows a run until it ends, through its event stream (reconnecting if the stream drops:
   * each connect starts with a fresh snapshot). Returns the final run and its executions.
   * `onEvent` sees every event. Rejects with the signal's reason when `signal` aborts.
   */
  async waitForRun(
    runId: string,
    options: { signal?: AbortSignal; onEvent?: (event: RunEvent) => void } = {},
  ): Promise<{ run: Run; executions: Execution[] }> {
    let drops = 0;
    for (;;) {
      try {
        for await (const event of this.runEvents(runId, options.signal)) {
          options.onEvent?.(event);
          if (event.type === 'deleted') throw new Error(`run ${runId} was deleted`);
          if (event.type === 'summary') {
            return { run: event.run, executions: await this.listExecutions(runId) };
          }
        }
      } catch (error) {
        if (options.signal?.aborted) throw options.signal.reason ?? error;
        // An answer from the server (404, ...) is final; a dropped stream is retried a few times.
        if (error instanceof SceneApiError || ++drops > 5) throw error;
        if (error instanceof Error && /was deleted/.test(error.message)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500 * drops));
      }
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return text;
  }
}

function notFound(message: string): SceneApiError {
  const body = { error: { code: 'not_found', message } };
  const response = { status: 404, body, text: JSON.stringify(body), headers: new Headers() };
  return new SceneApiError('GET', '/projects', response, message);
}
