import { describeDrift } from '../../../runs/environment-drift.ts';
import type { Project } from '../../../projects/project.schema.ts';
import type { Execution, Run } from '../../../runs/run.schema.ts';
import { isTerminal } from '../../../runs/run.schema.ts';
import {
  cancelReasonText,
  DiffBadge,
  formatPercent,
  shortId,
  StatusBadge,
} from '../components/badges.tsx';
import { DangerButton } from '../components/modal.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { formatDuration } from '../components/time.tsx';
import { Layout, type PageContext } from '../layout/layout.tsx';
import { historyHref } from '../baselines/baseline-views.tsx';
import { traceViewerHref } from '../trace-viewer/trace-viewer.routes.ts';
import { cellText, executionTitle } from '../run-detail/executions-grid.tsx';
import { ChangesPanel } from './changes-panel.tsx';
import {
  availableModes,
  defaultMode,
  sideBySideBefore,
  viewerModes,
  type ViewerMode,
} from './viewer-modes.ts';

function reviewText(execution: Execution): string {
  const r = execution.review;
  const who = r.by ? ` by ${r.by}` : '';
  if (r.status === 'approved') return `Approved${who}`;
  if (r.status === 'rejected') return `Rejected${who}`;
  return execution.approved ? 'Its screenshot is the baseline image' : 'Not reviewed yet';
}

/**
 * The review controls, sticky at the top of the viewer: approve (`a`), reject (`r`), and on
 * to the next changed execution (`→`). Answers to approve and reject replace it.
 */
export function ApprovePanel(props: {
  execution: Execution;
  run: Run;
  nextChanged?: Execution | undefined;
  progress?: string | undefined;
}) {
  const { execution, run } = props;
  const reviewable = run.mode === 'compare' && execution.status === 'finished';
  const next = props.nextChanged ? (
    <a
      class="button small"
      href={`/executions/${props.nextChanged.id}`}
      data-nav="next-change"
      aria-keyshortcuts="ArrowRight"
    >
      Next change <kbd aria-hidden="true">→</kbd>
    </a>
  ) : (
    <span class="muted">No later change</span>
  );
  let status;
  if (run.mode !== 'compare') {
    status = <p class="muted">A baseline run's screenshots are its baseline images.</p>;
  } else if (execution.status !== 'finished') {
    status = <p class="muted">Only a finished execution can be approved.</p>;
  } else {
    status = (
      <p class="review-status" data-review={execution.review.status}>
        {execution.review.status === 'approved' || execution.approved ? (
          <span class="badge badge-finished">Approved</span>
        ) : execution.review.status === 'rejected' ? (
          <span class="badge badge-failed">Rejected</span>
        ) : (
          ''
        )}{' '}
        <span safe>{reviewText(execution)}</span>
      </p>
    );
  }
  return (
    <div id="approve-panel" class="approve-panel review-panel" role="region" aria-label="Review">
      {status}
      <div class="review-actions">
        {reviewable && !execution.approved && (
          <button
            type="button"
            class="button primary small"
            hx-post={`/executions/${execution.id}/approve`}
            hx-target="#approve-panel"
            hx-swap="outerHTML"
            data-review-action="approve"
            aria-keyshortcuts="a"
            title={
              execution.noBaseline
                ? 'The baseline has no image for this cell yet; approving adds this one (a)'
                : 'Replaces the baseline image of this cell; the old one is kept in the history (a)'
            }
          >
            Approve as baseline <kbd aria-hidden="true">a</kbd>
          </button>
        )}
        {reviewable && execution.review.status !== 'rejected' && (
          <button
            type="button"
            class="button small"
            hx-post={`/executions/${execution.id}/reject`}
            hx-target="#approve-panel"
            hx-swap="outerHTML"
            data-review-action="reject"
            aria-keyshortcuts="r"
            title="The change is a bug: mark it rejected; the baseline stays as it is (r)"
          >
            Reject <kbd aria-hidden="true">r</kbd>
          </button>
        )}
        {next}
        {props.progress && (
          <span class="muted review-progress" safe>
            {props.progress}
          </span>
        )}
      </div>
    </div>
  );
}

function Metrics(props: { execution: Execution }) {
  const e = props.execution;
  const duration =
    e.startedAt && e.finishedAt
      ? formatDuration(Date.parse(e.finishedAt) - Date.parse(e.startedAt))
      : '—';
  const size = e.sizeChange;
  return (
    <dl class="facts metrics" id="metrics">
      <div>
        <dt>Differing pixels</dt>
        <dd class="num">
          {e.diffPixels === undefined ? '—' : e.diffPixels.toLocaleString('en-US')}
        </dd>
      </div>
      <div>
        <dt>Ratio</dt>
        <dd class="num">{e.diffPercent === undefined ? '—' : formatPercent(e.diffPercent)}</dd>
      </div>
      <div>
        <dt>Level</dt>
        <dd>
          {e.diffLevel ? (
            <DiffBadge level={e.diffLevel} />
          ) : e.noBaseline ? (
            'no baseline image'
          ) : (
            '—'
          )}
        </dd>
      </div>
      <div>
        <dt>Size change</dt>
        <dd class="num">
          {size && (size.width !== 0 || size.height !== 0)
            ? `${size.width >= 0 ? '+' : ''}${size.width} × ${size.height >= 0 ? '+' : ''}${size.height} px`
            : 'none'}
        </dd>
      </div>
      <div>
        <dt>Changed regions</dt>
        <dd class="num">{String(e.changedRegions?.length ?? 0)}</dd>
      </div>
      {e.unstable && (
        <div>
          <dt>Unstable regions</dt>
          <dd
            class="num"
            title="Differed between two captures of this cell: not counted as a change (hatched)"
          >
            {String(e.unstableRegions?.length ?? 0)}
          </dd>
        </div>
      )}
      <div>
        <dt>Capture</dt>
        <dd class="num">{`${duration} · attempt ${e.attempt}${e.httpStatus ? ` · HTTP ${e.httpStatus}` : ''}`}</dd>
      </div>
      {e.environment && (
        <div>
          <dt>Rendered by</dt>
          <dd title={e.environment.os} safe>
            {`${e.environment.browser} ${e.environment.browserVersion} · ${e.environment.deviceScaleFactor}× · fonts ${e.environment.fonts.join(', ') || '—'}`}
          </dd>
        </div>
      )}
      {e.environmentDrift && e.environmentDrift.length > 0 && (
        <div class="environment-drift" role="note">
          <dt>Environment drift</dt>
          <dd safe>
            {`Rendered elsewhere than the baseline image (${describeDrift(e.environmentDrift)}); expect rendering differences`}
          </dd>
        </div>
      )}
    </dl>
  );
}

const artifactLabels: Record<string, string> = {
  screenshot: 'Screenshot',
  baseline: 'Baseline image',
  diff: 'Diff image',
  heatmap: 'Heatmap',
  reference: 'Reference screenshot',
  trace: 'Playwright trace (.zip)',
  video: 'Video',
  log: 'Capture log',
  failure: 'Screenshot at the failure',
  layout: 'Layout snapshot (.json.gz)',
  aligned: 'Aligned diff image',
};

function Downloads(props: { execution: Execution }) {
  const entries = Object.entries(props.execution.artifacts).filter(([, url]) => url !== undefined);
  if (entries.length === 0) return <p class="muted">No artifacts.</p>;
  return (
    <ul class="downloads">
      {entries.map(([kind, url]) => (
        <li>
          <a href={url} target="_blank" rel="noreferrer" safe>
            {artifactLabels[kind] ?? kind}
          </a>
          {kind === 'trace' && url !== undefined && (
            <>
              {' · '}
              <a href={traceViewerHref(url)} target="_blank" rel="noreferrer" data-open-trace>
                Open trace
              </a>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

function Layer(props: { layer: string; src: string | undefined; alt: string }) {
  if (!props.src) return '';
  return <img data-layer={props.layer} src={props.src} alt={props.alt} decoding="async" />;
}

export function ViewerPage(props: {
  page: PageContext;
  project: Project;
  run: Run;
  execution: Execution;
  previous?: Execution | undefined;
  next?: Execution | undefined;
  position: number;
  total: number;
  nextChanged?: Execution | undefined;
  progress?: string | undefined;
}) {
  const { execution: e, run, project } = props;
  const available = availableModes(e);
  const mode: ViewerMode = defaultMode(e, available);
  const title = executionTitle(e);
  const a = e.artifacts;
  const before = sideBySideBefore(e);
  const runHref = `/runs/${run.id}`;
  return (
    <Layout
      title={`${title} · ${cellText(e)}`}
      section="runs"
      page={props.page}
      scripts={['/static/viewer.js']}
    >
      <PageHeader
        title={title}
        crumbs={[
          { label: 'Projects', href: '/projects' },
          { label: project.name, href: `/projects/${project.id}` },
          { label: `Run #${shortId(run.id)}`, href: runHref },
        ]}
        subtitle={`${cellText(e)} · execution ${props.position} of ${props.total}`}
        titleAside={
          <span class="title-badges">
            <StatusBadge status={e.status} />
            <DiffBadge level={e.diffLevel} percent={e.diffPercent} />
          </span>
        }
        actions={
          <>
            <a
              class="button"
              href={props.previous ? `/executions/${props.previous.id}` : undefined}
              aria-disabled={props.previous ? undefined : 'true'}
              data-nav="previous"
              rel="prev"
            >
              ← Previous
            </a>
            <a
              class="button"
              href={props.next ? `/executions/${props.next.id}` : undefined}
              aria-disabled={props.next ? undefined : 'true'}
              data-nav="next"
              rel="next"
            >
              Next →
            </a>
            <a class="button" href={runHref} data-nav="back">
              Back to run
            </a>
          </>
        }
      />
      {!isTerminal(e.status) && (
        <p class="notice" hx-get={`/executions/${e.id}/state`} hx-trigger="every 2s" hx-swap="none">
          {`This execution is ${e.status}; the page reloads when it ends.`}
        </p>
      )}
      <ApprovePanel
        execution={e}
        run={run}
        nextChanged={props.nextChanged}
        progress={props.progress}
      />
      {e.error && !a.failure && (
        <p class="notice notice-error" role="alert" safe>
          {e.error}
        </p>
      )}
      {e.error && a.failure && (
        <div class="failure-evidence">
          <p class="notice notice-error" role="alert" safe>
            {e.error}
          </p>
          <figure>
            <a href={a.failure} target="_blank" rel="noreferrer">
              <img src={a.failure} alt="The page when the capture failed" />
            </a>
            <figcaption class="muted">The page as it was when the capture failed</figcaption>
          </figure>
        </div>
      )}
      {e.status === 'cancelled' && e.cancelReason && (
        <p class="notice notice-warn" safe>
          {`This execution was ${cancelReasonText[e.cancelReason]}.`}
        </p>
      )}
      <ChangesPanel execution={e} />
      <div
        id="viewer"
        class="viewer"
        data-mode={mode}
        data-zoom="fit"
        data-regions={JSON.stringify(e.changedRegions ?? [])}
        data-unstable-regions={JSON.stringify(e.unstableRegions ?? [])}
        data-scale={String(e.viewport.deviceScaleFactor ?? 1)}
        data-run-href={runHref}
        data-previous-href={props.previous ? `/executions/${props.previous.id}` : undefined}
        data-next-href={props.next ? `/executions/${props.next.id}` : undefined}
        data-next-change-href={
          props.nextChanged ? `/executions/${props.nextChanged.id}` : undefined
        }
      >
        <div class="viewer-toolbar">
          <div class="segmented" role="toolbar" aria-label="View mode">
            {viewerModes.map((m, index) => (
              <button
                type="button"
                class="segment"
                data-mode-button={m.id}
                aria-pressed={m.id === mode ? 'true' : 'false'}
                disabled={!available.has(m.id)}
                aria-keyshortcuts={String(index + 1)}
                title={
                  available.has(m.id)
                    ? `${m.label} (${index + 1})`
                    : `${m.label}: not available for this execution`
                }
              >
                <kbd aria-hidden="true">{String(index + 1)}</kbd> {m.label}
              </button>
            ))}
          </div>
          <div class="viewer-tools">
            <div class="segmented" role="group" aria-label="Zoom">
              <button
                type="button"
                class="segment"
                data-zoom-button="fit"
                aria-pressed="true"
                aria-keyshortcuts="z"
              >
                Fit width
              </button>
              <button
                type="button"
                class="segment"
                data-zoom-button="actual"
                aria-pressed="false"
                aria-keyshortcuts="z"
              >
                1:1
              </button>
            </div>
            <div class="change-nav" role="group" aria-label="Changed regions">
              <button
                type="button"
                class="button small"
                data-change="previous"
                aria-keyshortcuts="p"
                disabled={!e.changedRegions?.length}
              >
                ↑ Previous change
              </button>
              <button
                type="button"
                class="button small"
                data-change="next"
                aria-keyshortcuts="n"
                disabled={!e.changedRegions?.length}
              >
                ↓ Next change
              </button>
              <span id="change-counter" class="muted" aria-live="polite">
                {e.changedRegions?.length
                  ? `${e.changedRegions.length} changed region${e.changedRegions.length === 1 ? '' : 's'}`
                  : 'No changed regions'}
              </span>
            </div>
            <label class="checkbox-option">
              <input type="checkbox" data-show-regions checked />
              Outline changes
            </label>
          </div>
        </div>
        <div class="mode-controls">
          <label class="range-control" data-for-modes="slider reference">
            <span>Divider</span>
            <input
              type="range"
              min="0"
              max="100"
              value="50"
              data-slider
              aria-label="Divider position (percent from the left)"
            />
          </label>
          <label class="range-control" data-for-modes="onion">
            <span>Observed opacity</span>
            <input
              type="range"
              min="0"
              max="100"
              value="50"
              data-opacity
              aria-label="Opacity of the observed screenshot (percent)"
            />
          </label>
          <p class="mode-legend muted" data-for-modes="slider">
            Left of the divider: baseline · right: observed. Drag the divider.
          </p>
          <p class="mode-legend muted" data-for-modes="reference">
            Left of the divider: reference URL · right: observed.
          </p>
          <p class="mode-legend muted" data-for-modes="diff">
            Red: pixels that differ. Faded: unchanged.
          </p>
          <p class="mode-legend muted" data-for-modes="aligned">
            Red: what differs once the detected moves are undone (the baseline shifted to match).
          </p>
          <p class="mode-legend muted" data-for-modes="side-by-side" safe>
            {`${before?.label ?? 'Baseline'} (left) and observed (right) scroll together.`}
          </p>
        </div>
        {available.size === 0 ? (
          <div class="empty-state">
            <p class="empty-title">No images</p>
            <p>
              {e.status === 'failed' && a.failure
                ? 'The capture failed: above, the page as it was then.'
                : e.status === 'failed'
                  ? 'The capture failed before a screenshot was taken.'
                  : 'Nothing was captured yet.'}
            </p>
          </div>
        ) : (
          <>
            <div
              class="stage"
              data-stage="main"
              tabindex="0"
              aria-label="Image: scroll with the arrow keys up and down"
            >
              <div class="canvas" data-canvas>
                <Layer layer="baseline" src={a.baseline} alt="Baseline screenshot" />
                <Layer layer="reference" src={a.reference} alt="Reference screenshot" />
                <Layer layer="observed" src={a.screenshot} alt="Observed screenshot" />
                <Layer layer="diff" src={a.diff} alt="Diff: differing pixels in red" />
                <Layer layer="heatmap" src={a.heatmap} alt="Heatmap of the differences" />
                <Layer
                  layer="aligned"
                  src={a.aligned}
                  alt="Aligned diff: what differs once the moves are undone"
                />
                <div class="divider" data-divider aria-hidden="true">
                  <span class="divider-handle"></span>
                </div>
                <div class="regions" data-regions-layer aria-hidden="true"></div>
                <div class="outlines" data-outlines="main" aria-hidden="true"></div>
              </div>
            </div>
            <div class="stage-pair" data-pair>
              <div
                class="stage"
                data-stage="left"
                tabindex="0"
                aria-label={`${before?.label ?? 'Baseline'} image`}
              >
                <p class="pane-label">
                  <span safe>{before?.label ?? 'Baseline'}</span>
                </p>
                <div class="canvas">
                  {before && (
                    <img src={before.src} alt={`${before.label} screenshot (side by side)`} />
                  )}
                  <div class="outlines" data-outlines="left" aria-hidden="true"></div>
                </div>
              </div>
              <div class="stage" data-stage="right" tabindex="0" aria-label="Observed image">
                <p class="pane-label">
                  <span>Observed</span>
                </p>
                <div class="canvas">
                  {a.screenshot && (
                    <img src={a.screenshot} alt="Observed screenshot (side by side)" />
                  )}
                  <div class="outlines" data-outlines="right" aria-hidden="true"></div>
                </div>
              </div>
            </div>
          </>
        )}
        <p class="keys-help muted">
          Keys: <kbd>a</kbd> approve · <kbd>r</kbd> reject · <kbd>→</kbd> next change · <kbd>←</kbd>{' '}
          previous execution · <kbd>1</kbd>–<kbd>9</kbd> modes · <kbd>n</kbd>/<kbd>p</kbd>{' '}
          next/previous change · <kbd>z</kbd> zoom · <kbd>Esc</kbd> back to the run
        </p>
      </div>
      <div class="viewer-panels">
        <section class="card" aria-labelledby="metrics-title">
          <h2 id="metrics-title">Metrics</h2>
          <Metrics execution={e} />
        </section>
        <section class="card" aria-labelledby="approve-title">
          <h2 id="approve-title">Baseline</h2>
          <p class="muted">
            {run.mode !== 'compare'
              ? "A baseline run's screenshots are its baseline images."
              : e.noBaseline
                ? 'The baseline has no image for this cell yet; approving adds this one.'
                : 'Approving replaces the baseline image of this cell (the old one is kept in the history).'}
          </p>
          {run.baselineId && (
            <p>
              <a href={historyHref(run.baselineId, e.matrixKey)}>History of this cell’s baseline</a>
            </p>
          )}
          <div class="button-row exec-actions">
            {(e.status === 'failed' || e.status === 'cancelled') && (
              <button
                type="button"
                class="button"
                hx-post={`/executions/${e.id}/retry`}
                hx-swap="none"
              >
                Retry this execution
              </button>
            )}
            {!isTerminal(e.status) && (
              <DangerButton
                method="post"
                label="Cancel this execution"
                href={`/executions/${e.id}/cancel`}
                confirm="Cancel this execution?"
              />
            )}
          </div>
        </section>
        {a.video && (
          <section class="card execution-video" aria-labelledby="video-title">
            <h2 id="video-title">Video of the capture</h2>
            <video src={a.video} controls muted width="100%">
              <a href={a.video}>Download the video</a>
            </video>
          </section>
        )}
        <section class="card" aria-labelledby="downloads-title">
          <h2 id="downloads-title">Artifacts</h2>
          <Downloads execution={e} />
          {e.finalUrl && (
            <p class="cell-sub">
              Captured URL:{' '}
              <a href={e.finalUrl} target="_blank" rel="noreferrer" safe>
                {e.finalUrl}
              </a>
            </p>
          )}
        </section>
      </div>
    </Layout>
  );
}
