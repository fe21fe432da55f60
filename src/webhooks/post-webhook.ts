import http from 'node:http';
import https from 'node:https';

/** At most this many bytes of a receiver's response body are kept in the attempt log. */
export const responseExcerptBytes = 2048;

export interface PostOutcome {
  /** The receiver's HTTP status, null when no response arrived. */
  statusCode: number | null;
  /** Network error, timeout or abort; null when a response arrived. */
  error: string | null;
  durationMs: number;
  responseExcerpt: string | null;
}

export interface PostOptions {
  timeoutMs: number;
  /** Aborting ends the attempt at once with `aborted: <reason>`. */
  signal?: AbortSignal;
}

/**
 * POSTs one webhook request. Never throws: every way it can go wrong becomes an outcome.
 * Redirects are not followed (a 3xx is a failed attempt). Each request opens its own
 * connection, so a connection the receiver closed earlier can never fail a later attempt.
 * Once the status line has arrived it decides the outcome; the body is read only for the
 * excerpt, until 2 KB, its end or the timeout.
 */
export function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  options: PostOptions,
): Promise<PostOutcome> {
  const started = performance.now();
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.resolve({
      statusCode: null,
      error: 'invalid URL',
      durationMs: 0,
      responseExcerpt: null,
    });
  }
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let statusCode: number | null = null;
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;

    const request = client.request(
      target,
      {
        method: 'POST',
        agent: false,
        headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
      },
      (response) => {
        statusCode = response.statusCode ?? null;
        response.on('data', (chunk: Buffer) => {
          if (received < responseExcerptBytes) chunks.push(chunk);
          received += chunk.length;
          if (received >= responseExcerptBytes) finish(null);
        });
        response.on('end', () => finish(null));
        response.on('error', (error) => finish(describeError(error)));
      },
    );
    const finish = (error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      request.destroy();
      const excerpt =
        received > 0
          ? Buffer.concat(chunks).subarray(0, responseExcerptBytes).toString('utf8')
          : null;
      resolve({
        statusCode,
        // Once the status line is in, it decides; a slow or broken body only cuts the excerpt.
        error: statusCode === null ? error : null,
        durationMs: Math.max(0, Math.round(performance.now() - started)),
        responseExcerpt: excerpt,
      });
    };
    const onAbort = () => finish(`aborted: ${describeReason(options.signal?.reason)}`);
    const timer = setTimeout(
      () => finish(`timed out after ${options.timeoutMs} ms`),
      options.timeoutMs,
    );
    request.on('error', (error) => finish(describeError(error)));
    if (options.signal?.aborted) {
      onAbort();
      return;
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
    request.end(body);
  });
}

function describeError(error: Error): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; ');
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (error.message !== '') return error.message;
  return code ?? 'network error';
}

function describeReason(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  return typeof reason === 'string' ? reason : 'cancelled';
}
