import type { Execution } from '../../../runs/run.schema.ts';
import { cancelReasonText, DiffBadge, StatusBadge } from '../components/badges.tsx';
import { thumbnailUrl } from './thumbnails.ts';

/** "Home / checkout", and the element an element cell captures: "Home · #header". */
export function executionTitle(execution: Execution): string {
  const name = execution.taskName
    ? `${execution.pageName} / ${execution.taskName}`
    : execution.pageName;
  return execution.capture.scope === 'element' ? `${name} · ${execution.capture.selector}` : name;
}

export function cellText(execution: Execution): string {
  const v = execution.viewport;
  const scope = execution.capture.scope === 'viewport' ? ' · viewport only' : '';
  return `${execution.browser} · ${v.name} ${v.width}×${v.height}${scope}`;
}

export function ExecutionCard(props: { execution: Execution }) {
  const e = props.execution;
  // A change shows where it is: the diff (changed pixels highlighted) rather than the screenshot.
  const changed = e.diffLevel === 'minor' || e.diffLevel === 'major';
  const thumb = thumbnailUrl((changed ? e.artifacts.diff : undefined) ?? e.artifacts.screenshot);
  const title = executionTitle(e);
  return (
    <li id={`exec-${e.id}`} class={`exec-card exec-${e.status}`}>
      <a
        href={`/executions/${e.id}`}
        class="exec-link"
        aria-label={`${title}, ${cellText(e)}: ${e.status}${e.diffLevel ? `, ${e.diffLevel} change` : ''}`}
      >
        <div class="thumb" data-thumb={changed && e.artifacts.diff ? 'diff' : 'screenshot'}>
          {thumb ? (
            <img src={thumb} alt="" loading="lazy" width="320" height="200" />
          ) : (
            <span class="thumb-placeholder">
              {e.status === 'queued' || e.status === 'running' ? `${e.status}…` : 'no screenshot'}
            </span>
          )}
        </div>
        <div class="exec-body">
          <div class="exec-title" safe>
            {title}
          </div>
          <div class="cell-sub" safe>
            {cellText(e)}
          </div>
          <div class="exec-badges">
            <StatusBadge status={e.status} />
            <DiffBadge level={e.diffLevel} percent={e.diffPercent} />
            {e.noBaseline && <span class="badge badge-queued">New: no baseline</span>}
            {e.review.status === 'approved' || (e.approved && e.diffLevel !== undefined) ? (
              <span class="badge badge-finished" data-review="approved">
                Approved
              </span>
            ) : e.review.status === 'rejected' ? (
              <span class="badge badge-failed" data-review="rejected">
                Rejected
              </span>
            ) : (
              ''
            )}
          </div>
          {e.changeSummary && (
            <p class="exec-changes" title={e.changeSummary} safe>
              {e.changeSummary}
            </p>
          )}
          {e.error && (
            <p class="exec-error" safe>
              {e.error}
            </p>
          )}
          {e.status === 'cancelled' && e.cancelReason && (
            <p class="cell-sub" safe>
              {cancelReasonText[e.cancelReason]}
            </p>
          )}
        </div>
      </a>
    </li>
  );
}

export function ExecutionsGrid(props: { executions: Execution[] }) {
  return (
    <ul class="exec-grid" id="exec-grid" aria-label="Executions">
      {props.executions.map((execution) => (
        <ExecutionCard execution={execution} />
      ))}
    </ul>
  );
}
