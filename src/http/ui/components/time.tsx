/** '2026-01-31 12:00:05 UTC' from an ISO timestamp. */
export function formatUtc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

/**
 * A timestamp, rendered in UTC; when the timestamp display setting is "local" the client
 * rewrites it in the browser's time zone (the server cannot know it).
 */
export function Time(props: { iso: string | undefined | null; fallback?: string }) {
  if (!props.iso)
    return (
      <span class="muted" safe>
        {props.fallback ?? '—'}
      </span>
    );
  return (
    <time datetime={props.iso} data-ts safe>
      {formatUtc(props.iso)}
    </time>
  );
}

/** A duration in words, e.g. "1 min 5 s", "850 ms". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
