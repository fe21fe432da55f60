import type { Run } from '../../../runs/run.schema.ts';
import { isTerminal } from '../../../runs/run.schema.ts';
import {
  cancelReasonText,
  DiffBadge,
  formatPercent,
  ModeBadge,
  shortId,
  StatusBadge,
} from '../components/badges.tsx';
import { formatDuration, Time } from '../components/time.tsx';
import { ProgressBar } from '../runs/runs-table.tsx';

/** The run's outcome in one sentence. */
export function runOutcomeText(run: Run): string {
  const s = run.summary;
  const changes =
    run.mode !== 'baseline'
      ? s.minor + s.major === 0
        ? 'no visual changes'
        : `${s.minor + s.major} changed (${s.major} major, ${s.minor} minor)`
      : 'baseline images recorded';
  switch (run.status) {
    case 'queued':
      return `Waiting for a worker: ${s.total} execution${s.total === 1 ? '' : 's'} queued.`;
    case 'running':
      return `Running: ${s.finished + s.failed + s.cancelled} of ${s.total} done, ${s.running} in progress.`;
    case 'finished':
      return `Finished: ${s.total} execution${s.total === 1 ? '' : 's'}, ${changes}.`;
    case 'failed':
      return `Failed: ${s.failed} of ${s.total} execution${s.total === 1 ? '' : 's'} failed; ${changes}.`;
    case 'cancelled': {
      const why = run.cancelReason ? cancelReasonText[run.cancelReason] : 'cancelled';
      return `The run was ${why}. ${s.finished} of ${s.total} execution${s.total === 1 ? '' : 's'} finished before that.`;
    }
  }
}

function duration(run: Run): string {
  if (!run.startedAt) return '—';
  const end = run.finishedAt ? Date.parse(run.finishedAt) : Date.now();
  return `${formatDuration(end - Date.parse(run.startedAt))}${run.finishedAt ? '' : ' so far'}`;
}

export function RunStatusBadges(props: { run: Run }) {
  return (
    <span id="run-badges" class="title-badges">
      <StatusBadge status={props.run.status} />
      <ModeBadge mode={props.run.mode} />
      {props.run.mode !== 'baseline' && isTerminal(props.run.status) && (
        <DiffBadge level={props.run.summary.diffLevel} percent={props.run.summary.maxDiffPercent} />
      )}
    </span>
  );
}

export function RunSummaryCard(props: { run: Run; projectId: string }) {
  const { run } = props;
  const s = run.summary;
  const tone =
    run.status === 'failed' ? 'notice-error' : run.status === 'cancelled' ? 'notice-warn' : '';
  return (
    <section id="run-summary" class="card run-summary" aria-labelledby="run-summary-title">
      <h2 id="run-summary-title" class="visually-hidden">
        Summary
      </h2>
      <p class={['notice run-outcome', tone]} safe>
        {runOutcomeText(run)}
      </p>
      <ProgressBar run={run} />
      <dl class="facts">
        <div>
          <dt>Batch</dt>
          <dd>
            <a href={`/projects/${props.projectId}/batches`} safe>
              {run.batchName ?? run.batchId}
            </a>
          </dd>
        </div>
        <div>
          <dt>{run.mode === 'baseline' ? 'Records baseline' : 'Compared with'}</dt>
          <dd class="mono">{run.baselineId ? shortId(run.baselineId) : 'deleted baseline'}</dd>
        </div>
        {run.baselineReason !== undefined && (
          <div>
            <dt>Why this baseline</dt>
            <dd safe>{run.baselineReason}</dd>
          </div>
        )}
        {run.branch !== undefined && (
          <div>
            <dt>Branch</dt>
            <dd>
              <span class="mono" safe>
                {run.branch}
              </span>
              {run.commit !== undefined && (
                <span class="mono" title={run.commit} safe>
                  {` @ ${run.commit.slice(0, 7)}`}
                </span>
              )}
              {run.baseBranch !== undefined && run.baseBranch !== run.branch && (
                <span class="muted" safe>
                  {` (base ${run.baseBranch})`}
                </span>
              )}
            </dd>
          </div>
        )}
        <div>
          <dt>JIRA</dt>
          <dd class="mono" safe>
            {run.jiraIssue ?? '—'}
          </dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>
            <Time iso={run.createdAt} />
          </dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{duration(run)}</dd>
        </div>
        <div>
          <dt>Executions</dt>
          <dd>{`${s.finished} finished · ${s.failed} failed · ${s.cancelled} cancelled${s.queued + s.running > 0 ? ` · ${s.running} running · ${s.queued} queued` : ''}`}</dd>
        </div>
        {run.mode !== 'baseline' && (
          <>
            <div>
              <dt>Diff levels</dt>
              <dd>{`${s.none} none · ${s.minor} minor · ${s.major} major${s.noBaseline > 0 ? ` · ${s.noBaseline} without baseline` : ''}`}</dd>
            </div>
            <div>
              <dt>Largest change</dt>
              <dd>{s.maxDiffPercent === null ? '—' : formatPercent(s.maxDiffPercent)}</dd>
            </div>
            <div>
              <dt>Average change</dt>
              <dd>{s.avgDiffPercent === null ? '—' : formatPercent(s.avgDiffPercent)}</dd>
            </div>
            <div>
              <dt>Run diff level</dt>
              <dd>{s.diffLevel ? <DiffBadge level={s.diffLevel} /> : '—'}</dd>
            </div>
          </>
        )}
      </dl>
      {s.environmentNotice && (
        <p class="notice environment-notice" role="note" safe>
          {`Environment: ${s.environmentNotice}`}
        </p>
      )}
    </section>
  );
}
