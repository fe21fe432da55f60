import type { FastifyReply, FastifyRequest } from 'fastify';

/** True for requests htmx issued (partial updates), false for full page loads. */
export function isHtmxRequest(request: FastifyRequest): boolean {
  return request.headers['hx-request'] === 'true';
}

/** Sends a full HTML document. */
export async function sendPage(
  reply: FastifyReply,
  page: JSX.Element,
  status = 200,
): Promise<FastifyReply> {
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(`<!doctype html>${await page}`);
}

/** Sends an HTML fragment for htmx to swap. */
export async function sendFragment(
  reply: FastifyReply,
  fragment: JSX.Element,
  status = 200,
): Promise<FastifyReply> {
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(await fragment);
}

/** JSON for an HX-Trigger header: header values must be ASCII, so everything else is \u-escaped. */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Adds client events to the response's HX-Trigger header (merged with any already set). */
export function triggerClientEvents(reply: FastifyReply, events: Record<string, unknown>): void {
  const existing = reply.getHeader('hx-trigger');
  const merged: Record<string, unknown> =
    typeof existing === 'string' ? (JSON.parse(existing) as Record<string, unknown>) : {};
  reply.header('hx-trigger', asciiJson({ ...merged, ...events }));
}

/** The path of the page the htmx request came from (HX-Current-URL), when it is one of ours. */
export function currentPagePath(request: FastifyRequest, fallback: string): string {
  const header = request.headers['hx-current-url'];
  if (typeof header !== 'string') return fallback;
  try {
    const url = new URL(header);
    return /^\/[a-z]/i.test(url.pathname) ? url.pathname + url.search : fallback;
  } catch {
    return fallback;
  }
}

/**
 * Answers an htmx request with fragments for other parts of the page (htmx 4 <hx-partial>):
 * each replaces the element with its id; the requesting element itself is left as it is.
 */
export async function sendPartials(
  reply: FastifyReply,
  partials: { id: string; html: JSX.Element }[],
): Promise<FastifyReply> {
  let body = '';
  for (const partial of partials) {
    const id = partial.id.replace(/[^a-zA-Z0-9_-]/g, '');
    body += `<hx-partial hx-target="#${id}" hx-swap="outerHTML">${await partial.html}</hx-partial>`;
  }
  return reply
    .status(200)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(body);
}
