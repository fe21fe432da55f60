import type { RunLogLine } from '../../../runs/run.schema.ts';

/** One line of the run log; lines stream in live while the run is active. */
export function RunLogLineView(props: {
  line: Omit<RunLogLine, 'seq'> & { seq?: number | undefined };
}) {
  const { line } = props;
  return (
    <li
      class={`log-line log-${line.level}`}
      data-seq={line.seq === undefined ? undefined : String(line.seq)}
    >
      <time datetime={line.at} class="log-time" data-ts="time" title={`${line.at} (UTC)`}>
        {line.at.slice(11, 23)}
      </time>
      <span class="log-kind" safe>
        {line.kind}
      </span>
      <span class="log-message" safe>
        {line.message}
      </span>
    </li>
  );
}

/** Shown while the page receives live updates; replaced when the run ends. */
export function LiveBadge(props: { live: boolean }) {
  return (
    <span id="run-live-badge">
      {props.live ? <span class="badge badge-running">Live</span> : ''}
    </span>
  );
}

export function RunLog(props: { lines: RunLogLine[]; truncated: boolean; live: boolean }) {
  return (
    <section class="card run-log" aria-labelledby="run-log-title">
      <div class="section-header">
        <h2 id="run-log-title">Run log</h2>
        <LiveBadge live={props.live} />
      </div>
      {props.truncated && (
        <p class="muted">
          Showing the first lines only; the full log is at the API's /runs/:id/log.
        </p>
      )}
      <ol id="run-log-lines" class="log-lines" aria-live="off">
        {props.lines.map((line) => (
          <RunLogLineView line={line} />
        ))}
      </ol>
      {props.lines.length === 0 && (
        <p class="muted" id="run-log-empty">
          No log lines yet.
        </p>
      )}
    </section>
  );
}
