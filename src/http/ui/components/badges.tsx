import type { CancelReason, DiffLevel, RunMode, RunStatus } from '../../../shared/domain.ts';

const statusLabels: Record<RunStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  finished: 'Finished',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export function StatusBadge(props: { status: RunStatus }) {
  return (
    <span class={`badge badge-${props.status}`} data-status={props.status}>
      {statusLabels[props.status]}
    </span>
  );
}

const diffLabels: Record<DiffLevel, string> = {
  none: 'No change',
  minor: 'Minor change',
  major: 'Major change',
};

export function DiffBadge(props: {
  level: DiffLevel | null | undefined;
  percent?: number | null | undefined;
}) {
  if (!props.level) return '';
  const percent =
    props.percent === null || props.percent === undefined || props.level === 'none'
      ? ''
      : ` · ${formatPercent(props.percent)}`;
  return (
    <span class={`badge badge-${props.level}`} data-diff={props.level}>
      {`${diffLabels[props.level]}${percent}`}
    </span>
  );
}

export function ModeBadge(props: { mode: RunMode }) {
  return (
    <span class="badge badge-mode">
      {props.mode === 'baseline'
        ? 'Baseline'
        : props.mode === 'reference'
          ? 'Reference'
          : 'Compare'}
    </span>
  );
}

/** A diff ratio (percent of pixels) with enough digits to tell tiny changes from none. */
export function formatPercent(percent: number): string {
  if (percent === 0) return '0%';
  if (percent < 0.001) return '<0.001%';
  if (percent < 1) return `${percent.toFixed(3).replace(/0+$/, '')}%`;
  return `${percent.toFixed(2).replace(/\.?0+$/, '')}%`;
}

export const cancelReasonText: Record<CancelReason, string> = {
  user: 'cancelled by a user',
  timeout: 'stopped: it ran past its time limit',
  shutdown: 'stopped: the server shut down',
};

/** A run's or execution's status in plain words. */
export function statusInWords(status: RunStatus, cancelReason?: CancelReason): string {
  if (status === 'cancelled')
    return cancelReason ? capitalize(cancelReasonText[cancelReason]) : 'Cancelled';
  return statusLabels[status];
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function shortId(id: string): string {
  return id.slice(0, 8);
}
