import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiApp } from './api/api-types.ts';

/** A comment line every so often keeps proxies from closing an idle stream. */
const heartbeatMs = 15_000;

export interface SseStream {
  /** A named event (for htmx: dispatched as a DOM event on the connected element). */
  event(name: string, data?: string): void;
  /** An unnamed message: htmx swaps its HTML (e.g. <hx-partial>s) into the page. */
  html(html: string, id?: string): void;
  close(): void;
  readonly closed: boolean;
  onClose(cleanup: () => void): void;
}

function dataLines(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => `data: ${line}`)
    .join('\n');
}

/** Open streams of a route plugin, ended when the server closes so shutdown is not held up. */
export function trackOpenStreams(app: ApiApp): Set<ServerResponse> {
  const open = new Set<ServerResponse>();
  app.addHook('preClose', (done) => {
    for (const response of open) response.end();
    open.clear();
    done();
  });
  return open;
}

/** Takes over the reply as a text/event-stream (the API's, and htmx's SSE extension's). */
export function openSse(
  request: FastifyRequest,
  reply: FastifyReply,
  open: Set<ServerResponse>,
): SseStream {
  reply.hijack();
  const response = reply.raw;
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  open.add(response);
  const cleanups: (() => void)[] = [];
  const write = (text: string) => {
    if (!response.writableEnded) response.write(text);
  };
  const heartbeat = setInterval(() => write(': heartbeat\n\n'), heartbeatMs);
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    open.delete(response);
    for (const cleanup of cleanups) cleanup();
    if (!response.writableEnded) response.end();
  };
  request.raw.on('close', close);
  return {
    event(name, data = '') {
      write(`event: ${name}\n${dataLines(data)}\n\n`);
    },
    html(html, id) {
      write(`${id === undefined ? '' : `id: ${id}\n`}${dataLines(html)}\n\n`);
    },
    close,
    get closed() {
      return closed;
    },
    onClose(cleanup) {
      cleanups.push(cleanup);
    },
  };
}
