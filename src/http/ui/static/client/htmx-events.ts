// The few shapes of htmx 4 events the client code reads (htmx ships no typed DOM events).

export interface HtmxRequestContext {
  sourceElement?: Element;
  target?: Element | null;
  confirm?: string | null;
  request?: { action?: string; method?: string };
  response?: { status: number };
}

export interface HtmxConfirmDetail {
  ctx: HtmxRequestContext;
  issueRequest: () => void;
  dropRequest: () => void;
}

export interface HtmxErrorDetail {
  ctx?: HtmxRequestContext;
  error?: { name?: string; message?: string };
}

export function detailOf<T>(event: Event): T | undefined {
  return event instanceof CustomEvent ? (event.detail as T) : undefined;
}

/** Runs `fn` now if the document is parsed, else once it is. */
export function onReady(fn: () => void): void {
  if (document.readyState === 'loading')
    document.addEventListener('DOMContentLoaded', fn, { once: true });
  else fn();
}

/** Runs `fn` on the document and again on every subtree htmx swaps in. */
export function onContent(fn: (root: ParentNode) => void): void {
  onReady(() => fn(document));
  document.addEventListener('htmx:after:swap', (event) => {
    const ctx = detailOf<{ ctx?: HtmxRequestContext }>(event)?.ctx;
    fn(ctx?.target?.isConnected ? (ctx.target.parentElement ?? document) : document);
  });
}
