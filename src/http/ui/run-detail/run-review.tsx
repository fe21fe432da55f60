import type { Execution, Run } from '../../../runs/run.schema.ts';
import {
  changedOutcomes,
  executionOutcome,
  type ExecutionOutcome,
} from '../../../runs/execution-outcome.ts';

// The run page's review tools: outcome groups with counts, sorting by diff percent, the
// review progress, and bulk approval with its undo.

export interface ReviewFilter {
  outcome: ExecutionOutcome | 'all';
  sort: 'position' | 'diff';
}

const outcomeLabels: Record<ExecutionOutcome | 'all', string> = {
  all: 'All',
  major: 'Major',
  minor: 'Minor',
  new: 'New',
  failed: 'Failed',
  unchanged: 'Unchanged',
  pending: 'Pending',
};

const filterOrder = ['all', 'major', 'minor', 'new', 'failed', 'unchanged', 'pending'] as const;

/** ?outcome=major&sort=diff; anything unknown reads as the default. */
export function reviewFilterOf(query: unknown): ReviewFilter {
  const q = (query ?? {}) as { outcome?: unknown; sort?: unknown };
  const outcome = filterOrder.find((o) => o === q.outcome) ?? 'all';
  return { outcome, sort: q.sort === 'diff' ? 'diff' : 'position' };
}

export function outcomeOf(execution: Execution): ExecutionOutcome {
  return executionOutcome(execution);
}

export function isChange(execution: Execution): boolean {
  return changedOutcomes.includes(outcomeOf(execution));
}

/** The executions the filter shows, in its order (diff percent: largest first). */
export function filterExecutions(executions: Execution[], filter: ReviewFilter): Execution[] {
  const shown =
    filter.outcome === 'all'
      ? [...executions]
      : executions.filter((e) => outcomeOf(e) === filter.outcome);
  if (filter.sort === 'diff') {
    shown.sort((a, b) => (b.diffPercent ?? -1) - (a.diffPercent ?? -1) || a.position - b.position);
  }
  return shown;
}

function filterHref(runId: string, filter: ReviewFilter): string {
  const params = new URLSearchParams();
  if (filter.outcome !== 'all') params.set('outcome', filter.outcome);
  if (filter.sort !== 'position') params.set('sort', filter.sort);
  const query = params.toString();
  return `/runs/${runId}${query ? `?${query}` : ''}`;
}

/** "3 of 12 changes reviewed": changes are major, minor and new cells. */
export function reviewProgressText(executions: Execution[]): string {
  const changes = executions.filter(isChange);
  const reviewed = changes.filter((e) => e.review.status !== 'unreviewed').length;
  return `${reviewed} of ${changes.length} change${changes.length === 1 ? '' : 's'} reviewed`;
}

export function ReviewBar(props: {
  run: Run;
  executions: Execution[];
  filter: ReviewFilter;
  /** Cells the run's last bulk approval changed, when it can be undone. */
  undoable: number | undefined;
}) {
  const { run, executions, filter } = props;
  const counts = new Map<ExecutionOutcome | 'all', number>([['all', executions.length]]);
  for (const e of executions) counts.set(outcomeOf(e), (counts.get(outcomeOf(e)) ?? 0) + 1);
  const shown = filterExecutions(executions, filter);
  const approvable = shown.filter((e) => isChange(e) && !e.approved);
  const compare = run.mode === 'compare';
  return (
    <div id="review-bar" class="review-bar">
      <nav class="outcome-filters" aria-label="Filter by outcome">
        {filterOrder
          .filter((o) => o === 'all' || o === filter.outcome || (counts.get(o) ?? 0) > 0)
          .map((o) => (
            <a
              class="outcome-filter"
              href={filterHref(run.id, { ...filter, outcome: o })}
              aria-current={o === filter.outcome ? 'true' : undefined}
              data-outcome={o}
            >
              {`${outcomeLabels[o]} `}
              <span class="count">{String(counts.get(o) ?? 0)}</span>
            </a>
          ))}
      </nav>
      <div class="review-tools">
        <a
          class="button small"
          href={filterHref(run.id, {
            ...filter,
            sort: filter.sort === 'diff' ? 'position' : 'diff',
          })}
          aria-pressed={filter.sort === 'diff' ? 'true' : 'false'}
        >
          {filter.sort === 'diff' ? 'Sorted by diff % (largest first)' : 'Sort by diff %'}
        </a>
        {compare && (
          <span id="review-progress" class="review-progress" aria-live="polite">
            {reviewProgressText(executions)}
          </span>
        )}
        {compare && approvable.length > 0 && (
          <form hx-post={`/runs/${run.id}/approve`} hx-swap="none" class="inline-form">
            <input
              type="hidden"
              name="executionIds"
              value={approvable.map((e) => e.id).join(',')}
            />
            <input type="hidden" name="back" value={filterHref(run.id, filter)} />
            <button type="submit" class="button primary small">
              {`Approve ${approvable.length} ${filter.outcome === 'all' ? '' : `${outcomeLabels[filter.outcome].toLowerCase()} `}change${approvable.length === 1 ? '' : 's'}`}
            </button>
          </form>
        )}
        {compare && props.undoable !== undefined && (
          <form hx-post={`/runs/${run.id}/approve/undo`} hx-swap="none" class="inline-form">
            <input type="hidden" name="back" value={filterHref(run.id, filter)} />
            <button type="submit" class="button small">
              {`Undo last bulk approval (${props.undoable})`}
            </button>
          </form>
        )}
      </div>
    </div>
  );
}
