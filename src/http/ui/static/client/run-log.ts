import { detailOf, type HtmxRequestContext } from './htmx-events.ts';

/** The live run log follows new lines while the reader is at its bottom. */
export function installRunLogFollow(): void {
  let atBottom = true;
  document.addEventListener('htmx:before:swap', () => {
    const log = document.getElementById('run-log-lines');
    if (log) atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  });
  document.addEventListener('htmx:after:swap', (event) => {
    const log = document.getElementById('run-log-lines');
    const ctx = detailOf<{ ctx?: HtmxRequestContext }>(event)?.ctx;
    if (!log || !ctx) return;
    document.getElementById('run-log-empty')?.remove();
    if (atBottom) log.scrollTop = log.scrollHeight;
  });
}
