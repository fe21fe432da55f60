import type { Execution, Run, RunLogLine } from '../../../runs/run.schema.ts';
import { isTerminal } from '../../../runs/run.schema.ts';
import type { Project } from '../../../projects/project.schema.ts';
import { shortId } from '../components/badges.tsx';
import { DangerButton } from '../components/modal.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { Layout, type PageContext } from '../layout/layout.tsx';
import { ExecutionsGrid } from './executions-grid.tsx';
import { RunLog } from './run-log.tsx';
import { filterExecutions, ReviewBar, type ReviewFilter } from './run-review.tsx';
import { RunStatusBadges, RunSummaryCard } from './run-summary.tsx';

export function RunActions(props: { run: Run }) {
  const { run } = props;
  const active = !isTerminal(run.status);
  const retryable = !active && run.summary.failed + run.summary.cancelled > 0;
  return (
    <div id="run-actions" class="page-actions">
      {active && (
        <DangerButton
          method="post"
          label="Cancel run"
          href={`/runs/${run.id}/cancel`}
          confirm={`Cancel run #${shortId(run.id)}? Queued executions are dropped and running captures stopped.`}
        />
      )}
      {retryable && (
        <button type="button" class="button" hx-post={`/runs/${run.id}/retry`} hx-swap="none">
          {`Retry ${run.summary.failed + run.summary.cancelled} failed or cancelled`}
        </button>
      )}
      {!active && (
        <DangerButton
          label="Delete run"
          href={`/runs/${run.id}`}
          confirm={`Delete run #${shortId(run.id)} with its screenshots and log? Baseline images it recorded stay.`}
        />
      )}
    </div>
  );
}

export function RunPage(props: {
  page: PageContext;
  project: Project;
  run: Run;
  executions: Execution[];
  log: RunLogLine[];
  logTruncated: boolean;
  filter: ReviewFilter;
  undoable: number | undefined;
}) {
  const { run, project } = props;
  const live = !isTerminal(run.status);
  const lastSeq = props.log.at(-1)?.seq ?? 0;
  const shown = filterExecutions(props.executions, props.filter);
  return (
    <Layout title={`Run #${shortId(run.id)}`} section="runs" page={props.page}>
      {live && (
        <div
          id="run-events"
          hx-sse:connect={`/runs/${run.id}/live?after=${lastSeq}`}
          hx-sse:close="run-ended"
          hx-swap="none"
          hidden
        ></div>
      )}
      <PageHeader
        title={`Run #${shortId(run.id)}`}
        crumbs={[
          { label: 'Projects', href: '/projects' },
          { label: project.name, href: `/projects/${project.id}` },
          { label: 'Runs', href: `/projects/${project.id}/runs` },
        ]}
        titleAside={<RunStatusBadges run={run} />}
        actions={<RunActions run={run} />}
      />
      <RunSummaryCard run={run} projectId={project.id} />
      <section aria-labelledby="executions-title">
        <h2 id="executions-title" class="section-title">
          {shown.length === props.executions.length
            ? `Executions (${props.executions.length})`
            : `Executions (${shown.length} of ${props.executions.length})`}
        </h2>
        <ReviewBar
          run={run}
          executions={props.executions}
          filter={props.filter}
          undoable={props.undoable}
        />
        <ExecutionsGrid executions={shown} />
      </section>
      <RunLog lines={props.log} truncated={props.logTruncated} live={live} />
    </Layout>
  );
}
