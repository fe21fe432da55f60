/** ISO-8601 UTC with milliseconds: fixed width, so it also sorts as text in SQLite. */
export function nowIso(): string {
  return new Date().toISOString();
}

let lastCreation = 0;

/**
 * The creation time of a record that listings show newest first: nowIso(), except that it is
 * strictly later than the previous creation stamp of this process, so that records created in
 * the same millisecond (a script creating pages in a loop) still list in creation order.
 */
export function creationStamp(): string {
  lastCreation = Math.max(Date.now(), lastCreation + 1);
  return new Date(lastCreation).toISOString();
}

export function isoAfter(ms: number, from = Date.now()): string {
  return new Date(from + ms).toISOString();
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
