import type { Children } from '@kitajs/html';
import type { Page } from '../../../db/pagination.ts';
import type { Run } from '../../../runs/run.schema.ts';
import { runStatuses } from '../../../runs/run.schema.ts';
import { SelectField, TextField } from '../components/fields.tsx';
import { RunsTable, runsQueryString, type RunFilters } from './runs-table.tsx';

/** The live list: re-fetched (and morphed) when the event stream says a run changed. */
export function RunsList(props: {
  runs: Page<Run>;
  filters: RunFilters;
  basePath: string;
  projectNames?: Map<string, string> | undefined;
  cursor?: string | undefined;
}) {
  const listUrl = `/runs/list${runsQueryString(props.filters, { cursor: props.cursor, base: props.basePath })}`;
  const streamUrl = `/runs/stream${runsQueryString({ projectId: props.filters.projectId })}`;
  return (
    <>
      <div id="runs-events" hx-sse:connect={streamUrl} hx-swap="none" hidden></div>
      <div
        id="runs-list"
        aria-live="off"
        hx-get={listUrl}
        hx-trigger="runs-changed from:#runs-events throttle:300ms, scene:runs-changed from:body"
        hx-swap="innerMorph"
        hx-sync="this:queue last"
      >
        <RunsTable
          runs={props.runs}
          filters={props.filters}
          listPath={props.basePath}
          projectNames={props.projectNames}
          cursor={props.cursor}
        />
      </div>
    </>
  );
}

export function RunFiltersForm(props: {
  filters: RunFilters;
  action: string;
  children?: Children;
}) {
  const { filters } = props;
  return (
    <form class="filters" method="get" action={props.action} role="search" aria-label="Filter runs">
      {props.children ?? ''}
      {filters.batchId && <input type="hidden" name="batchId" value={filters.batchId} />}
      <SelectField
        id="filter-status"
        name="status"
        label="Status"
        value={filters.status}
        emptyLabel="Any status"
        options={runStatuses.map((s) => ({ value: s, label: s }))}
      />
      <TextField
        id="filter-jiraIssue"
        name="jiraIssue"
        label="JIRA issue"
        value={filters.jiraIssue}
        placeholder="ABC-123"
      />
      <TextField
        id="filter-branch"
        name="branch"
        label="Branch"
        value={filters.branch}
        placeholder="main"
      />
      <div class="button-row">
        <button type="submit" class="button">
          Filter
        </button>
        <a class="button" href={props.action}>
          Clear
        </a>
      </div>
    </form>
  );
}
