import type { Page } from '../../../db/pagination.ts';
import type { Run } from '../../../runs/run.schema.ts';
import {
  DiffBadge,
  ModeBadge,
  shortId,
  StatusBadge,
  cancelReasonText,
} from '../components/badges.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { Pager } from '../components/pager.tsx';
import { Time } from '../components/time.tsx';

export interface RunFilters {
  projectId?: string | undefined;
  batchId?: string | undefined;
  status?: Run['status'] | undefined;
  jiraIssue?: string | undefined;
  branch?: string | undefined;
}

export function runsQueryString(
  filters: RunFilters,
  extra: Record<string, string | undefined> = {},
): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...filters, ...extra })) {
    if (value !== undefined && value !== '') params.set(key, value);
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

export function ProgressBar(props: { run: Run }) {
  const { summary } = props.run;
  const done = summary.finished + summary.failed + summary.cancelled;
  const percent = summary.total === 0 ? 0 : Math.round((done / summary.total) * 100);
  return (
    <div class="progress-cell">
      <span class="num">{`${done} / ${summary.total}`}</span>
      <div
        class="progress"
        role="progressbar"
        aria-valuemin="0"
        aria-valuemax={String(summary.total)}
        aria-valuenow={String(done)}
        aria-label={`${done} of ${summary.total} executions done`}
      >
        <span
          class="progress-ok"
          style={`width: ${summary.total === 0 ? 0 : (summary.finished / summary.total) * 100}%`}
        ></span>
        <span
          class="progress-failed"
          style={`width: ${summary.total === 0 ? 0 : (summary.failed / summary.total) * 100}%`}
        ></span>
        <span
          class="progress-cancelled"
          style={`width: ${summary.total === 0 ? 0 : (summary.cancelled / summary.total) * 100}%`}
        ></span>
      </div>
      <span class="visually-hidden">{`${percent}%`}</span>
    </div>
  );
}

function RunRow(props: { run: Run; projectName?: string | undefined }) {
  const { run } = props;
  return (
    <tr id={`run-${run.id}`} data-run-row data-href={`/runs/${run.id}`} tabindex="0">
      <td>
        <a class="cell-main mono" href={`/runs/${run.id}`}>
          {`#${shortId(run.id)}`}
        </a>{' '}
        <ModeBadge mode={run.mode} />
        <div class="cell-sub" safe>
          {props.projectName
            ? `${props.projectName} · ${run.batchName ?? run.batchId}`
            : (run.batchName ?? run.batchId)}
        </div>
      </td>
      <td>
        <StatusBadge status={run.status} />
        {run.status === 'cancelled' && run.cancelReason && (
          <div class="cell-sub" safe>
            {cancelReasonText[run.cancelReason]}
          </div>
        )}
      </td>
      <td>
        <ProgressBar run={run} />
      </td>
      <td>
        {run.mode !== 'baseline' && run.summary.diffLevel ? (
          <DiffBadge level={run.summary.diffLevel} percent={run.summary.maxDiffPercent} />
        ) : (
          <span class="muted">—</span>
        )}
        {run.summary.failed > 0 && (
          <div class="cell-sub danger-text">{`${run.summary.failed} failed`}</div>
        )}
      </td>
      <td class="hide-narrow">
        {run.branch === undefined ? (
          <span class="muted">—</span>
        ) : (
          <span class="mono" safe>
            {run.branch}
          </span>
        )}
        {run.commit !== undefined && (
          <div class="cell-sub mono" title={run.commit} safe>
            {run.commit.slice(0, 7)}
          </div>
        )}
      </td>
      <td class="hide-narrow mono" safe>
        {run.jiraIssue ?? '—'}
      </td>
      <td class="hide-narrow">
        <Time iso={run.createdAt} />
      </td>
    </tr>
  );
}

/** The runs list; refreshed in place (morphed) on live events, so the selected row stays selected. */
export function RunsTable(props: {
  runs: Page<Run>;
  filters: RunFilters;
  listPath: string;
  projectNames?: Map<string, string> | undefined;
  cursor?: string | undefined;
}) {
  const filtered =
    props.filters.status !== undefined ||
    props.filters.jiraIssue !== undefined ||
    props.filters.branch !== undefined;
  if (props.runs.items.length === 0) {
    return (
      <EmptyState
        title={
          filtered ? 'No runs match these filters' : props.cursor ? 'No older runs' : 'No runs yet'
        }
      >
        <p>
          {filtered
            ? 'Clear the filters to see every run.'
            : 'Launch a batch above; its run appears here and updates live.'}
        </p>
      </EmptyState>
    );
  }
  return (
    <>
      <div class="table-wrap">
        <table class="runs-table">
          <caption class="visually-hidden">Runs, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">Status</th>
              <th scope="col">Progress</th>
              <th scope="col">Changes</th>
              <th scope="col" class="hide-narrow">
                Branch
              </th>
              <th scope="col" class="hide-narrow">
                JIRA
              </th>
              <th scope="col" class="hide-narrow">
                Created
              </th>
            </tr>
          </thead>
          <tbody>
            {props.runs.items.map((run) => (
              <RunRow run={run} projectName={props.projectNames?.get(run.projectId)} />
            ))}
          </tbody>
        </table>
      </div>
      <Pager
        path={props.listPath}
        query={{ ...props.filters }}
        nextCursor={props.runs.nextCursor}
        cursor={props.cursor}
      />
    </>
  );
}
