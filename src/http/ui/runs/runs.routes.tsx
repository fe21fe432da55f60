import type { FastifyRequest } from 'fastify';
import { visibleProjectIds } from '../../../auth/principal.ts';
import { z } from 'zod';
import type { AppContext } from '../../../app-context.ts';
import { listBaselines } from '../../../baselines/baselines.service.ts';
import { listBatches } from '../../../batches/batches.service.ts';
import { getProject, listProjects } from '../../../projects/projects.service.ts';
import { estimateRun, launchRun } from '../../../runs/launch-run.ts';
import { launchRunSchema, runStatuses } from '../../../runs/run.schema.ts';
import { listRuns } from '../../../runs/runs.service.ts';
import { idSchema, listQuerySchema } from '../../../shared/schemas.ts';
import { actorOf } from '../../actor.ts';
import { shortId } from '../components/badges.tsx';
import { SelectField } from '../components/fields.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { Layout } from '../layout/layout.tsx';
import { pageContextOf } from '../layout/page-context.ts';
import { ProjectShell } from '../layout/project-shell.tsx';
import { attempt, parseQuery } from '../shared/attempt.ts';
import { formBodyOf } from '../shared/form-data.ts';
import { renameErrorKeys, validateForm, type FieldErrors } from '../shared/form-errors.ts';
import { sendFragment, sendPage, triggerClientEvents } from '../shared/html-response.ts';
import { idParamOf } from '../shared/route-params.ts';
import { openSse, trackOpenStreams } from '../../sse.ts';
import { showToast } from '../shared/toast.ts';
import type { UiApp } from '../shared/ui-types.ts';
import { Launcher, type LauncherChoice } from './launcher.tsx';
import {
  launchInputOf,
  launcherChoiceOf,
  rememberChoice,
  rememberedChoice,
} from './launcher-choice.ts';
import { RunFiltersForm, RunsList } from './runs-dashboard.tsx';
import { RunsTable, type RunFilters } from './runs-table.tsx';

const blank = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const runFiltersSchema = listQuerySchema.extend({
  projectId: z.preprocess(blank, idSchema.optional()),
  batchId: z.preprocess(blank, idSchema.optional()),
  status: z.preprocess(blank, z.enum(runStatuses).optional()),
  jiraIssue: z.preprocess(blank, z.string().trim().max(100).optional()),
  branch: z.preprocess(blank, z.string().trim().max(200).optional()),
  /** The page the list belongs to (for its pager links). */
  base: z
    .string()
    .regex(/^\/[a-z0-9/]*$/)
    .max(200)
    .optional(),
});

const runsPerPage = 50;

function launcherErrorField(message: string): string | undefined {
  if (
    message.includes('prefix') ||
    message.includes('ambiguous') ||
    message.includes('baselineId')
  ) {
    return 'baselinePrefix';
  }
  if (message.includes('branch')) return 'branch';
  if (message.includes('baseline')) return 'baselineChoice';
  if (message.includes('viewport') || message.includes('browser') || message.includes('pages'))
    return 'batchId';
  return undefined;
}

export function registerRunScreens(app: UiApp, ctx: AppContext): void {
  const streams = trackOpenStreams(app);

  const launcher = async (
    request: FastifyRequest,
    choice: LauncherChoice,
    fixedProjectId?: string,
    errors?: FieldErrors,
  ) => {
    const projects = fixedProjectId
      ? []
      : (await listProjects(ctx, { limit: 200, projectIds: visibleProjectIds(request.principal) }))
          .items;
    const projectId = fixedProjectId ?? choice.projectId;
    const known = fixedProjectId !== undefined || projects.some((p) => p.id === projectId);
    const batches =
      projectId && known ? (await listBatches(ctx, projectId, { limit: 200 })).items : [];
    const batchId = batches.some((b) => b.id === choice.batchId) ? choice.batchId : undefined;
    const baselines = batchId ? (await listBaselines(ctx, { batchId, limit: 20 })).items : [];
    const batch = batches.find((b) => b.id === batchId);
    const estimate = batch && (await estimateRun(ctx.db, batch));
    const baselineChoice =
      choice.baselineChoice === 'latest' ||
      choice.baselineChoice === 'prefix' ||
      baselines.some((b) => b.id === choice.baselineChoice)
        ? choice.baselineChoice
        : 'latest';
    return (
      <Launcher
        projects={projects}
        batches={batches}
        baselines={baselines}
        estimate={estimate}
        choice={{ ...choice, projectId: known ? projectId : undefined, batchId, baselineChoice }}
        fixedProjectId={fixedProjectId}
        errors={errors}
      />
    );
  };

  const projectNames = async (request: FastifyRequest) => {
    const projectIds = visibleProjectIds(request.principal);
    const projects = await listProjects(ctx, { limit: 200, projectIds });
    return new Map(projects.items.map((p) => [p.id, p.name]));
  };

  /** The launcher's choice: the query (a batch's "Run…" link) over the remembered one. */
  const initialChoice = (
    request: Parameters<typeof rememberedChoice>[0],
    filters: RunFilters,
  ): LauncherChoice => {
    const remembered = rememberedChoice(request);
    if (filters.batchId === undefined) return remembered;
    return {
      ...remembered,
      projectId: filters.projectId ?? remembered.projectId,
      batchId: filters.batchId,
    };
  };

  app.get('/runs', async (request, reply) => {
    const query = parseQuery(runFiltersSchema, request.query);
    const filters: RunFilters = {
      projectId: query.projectId,
      status: query.status,
      jiraIssue: query.jiraIssue,
      branch: query.branch,
    };
    const [runs, names, page] = await Promise.all([
      listRuns(ctx, {
        ...filters,
        projectIds: visibleProjectIds(request.principal),
        cursor: query.cursor,
        limit: runsPerPage,
      }),
      projectNames(request),
      pageContextOf(request, reply, ctx),
    ]);
    return sendPage(
      reply,
      <Layout title="Runs" section="runs" page={page}>
        <PageHeader
          title="Runs"
          subtitle="Every launch of a batch, newest first. The list updates live."
        />
        {await launcher(request, initialChoice(request, { ...filters, batchId: query.batchId }))}
        <section aria-labelledby="runs-heading">
          <h2 id="runs-heading" class="section-title">
            Runs
          </h2>
          <RunFiltersForm filters={filters} action="/runs">
            <SelectField
              id="filter-projectId"
              name="projectId"
              label="Project"
              value={filters.projectId}
              emptyLabel="All projects"
              options={[...names].map(([value, label]) => ({ value, label }))}
            />
          </RunFiltersForm>
          <RunsList
            runs={runs}
            filters={filters}
            basePath="/runs"
            projectNames={names}
            cursor={query.cursor}
          />
        </section>
      </Layout>,
    );
  });

  app.get('/projects/:id/runs', async (request, reply) => {
    const project = await getProject(ctx.db, idParamOf(request.params));
    const query = parseQuery(runFiltersSchema, request.query);
    const filters: RunFilters = {
      projectId: project.id,
      status: query.status,
      jiraIssue: query.jiraIssue,
      branch: query.branch,
    };
    const basePath = `/projects/${project.id}/runs`;
    const [runs, page] = await Promise.all([
      listRuns(ctx, { ...filters, cursor: query.cursor, limit: runsPerPage }),
      pageContextOf(request, reply, ctx, project.id),
    ]);
    const choice = initialChoice(request, { ...filters, batchId: query.batchId });
    return sendPage(
      reply,
      <ProjectShell project={project} tab="runs" page={page}>
        {await launcher(request, choice, project.id)}
        <section aria-labelledby="runs-heading">
          <h2 id="runs-heading" class="section-title">
            Runs
          </h2>
          <RunFiltersForm
            filters={{
              status: filters.status,
              jiraIssue: filters.jiraIssue,
              branch: filters.branch,
            }}
            action={basePath}
          />
          <RunsList runs={runs} filters={filters} basePath={basePath} cursor={query.cursor} />
        </section>
      </ProjectShell>,
    );
  });

  app.get('/runs/list', async (request, reply) => {
    const query = parseQuery(runFiltersSchema, request.query);
    const filters: RunFilters = {
      projectId: query.projectId,
      status: query.status,
      jiraIssue: query.jiraIssue,
      branch: query.branch,
    };
    const global = query.base === undefined || query.base === '/runs';
    const [runs, names] = await Promise.all([
      listRuns(ctx, {
        ...filters,
        projectIds: visibleProjectIds(request.principal),
        cursor: query.cursor,
        limit: runsPerPage,
      }),
      global ? projectNames(request) : Promise.resolve(undefined),
    ]);
    return sendFragment(
      reply,
      <RunsTable
        runs={runs}
        filters={filters}
        listPath={query.base ?? '/runs'}
        projectNames={names}
        cursor={query.cursor}
      />,
    );
  });

  app.get('/runs/launcher', async (request, reply) => {
    const body = request.query as Record<string, unknown>;
    const choice = launcherChoiceOf(body);
    const fixed = body['fixedProject'] === 'true' ? choice.projectId : undefined;
    return sendFragment(reply, await launcher(request, choice, fixed));
  });

  app.post('/runs', async (request, reply) => {
    const body = formBodyOf(request);
    const choice = launcherChoiceOf(body);
    const fixed = body['fixedProject'] === 'true' ? choice.projectId : undefined;
    const batchId = choice.batchId;
    if (batchId === undefined) {
      return sendFragment(
        reply,
        await launcher(request, choice, fixed, { batchId: 'choose a batch to run' }),
        422,
      );
    }
    const input = validateForm(launchRunSchema, launchInputOf(choice));
    const launched = input.ok
      ? await attempt(
          () => launchRun(ctx, batchId, input.value, actorOf(request, 'ui')),
          launcherErrorField,
        )
      : input;
    if (!launched.ok) {
      const errors = renameErrorKeys(launched.errors, { baselineId: 'baselinePrefix' });
      return sendFragment(reply, await launcher(request, choice, fixed, errors), 422);
    }
    const run = launched.value;
    rememberChoice(reply, choice);
    showToast(reply, {
      kind: 'success',
      message: `Run #${shortId(run.id)} launched: ${run.batchName ?? 'batch'} (${run.mode}, ${run.summary.total} executions)`,
    });
    triggerClientEvents(reply, { 'scene:runs-changed': { target: 'body' } });
    return sendFragment(reply, await launcher(request, { ...choice, jiraIssue: '' }, fixed));
  });

  app.get('/runs/stream', (request, reply) => {
    const query = parseQuery(runFiltersSchema, request.query);
    const projectIds = visibleProjectIds(request.principal);
    const stream = openSse(request, reply, streams);
    const unsubscribe = ctx.events.subscribe(
      (event) => {
        if (event.type === 'run.updated' || event.type === 'run.deleted') {
          stream.event('runs-changed', event.runId);
        }
      },
      {
        ...(query.projectId !== undefined && { projectId: query.projectId }),
        ...(projectIds !== undefined && { projectIds }),
      },
    );
    stream.onClose(unsubscribe);
    // Whatever changed between the page load and this connection.
    stream.event('runs-changed', 'connected');
  });
}
