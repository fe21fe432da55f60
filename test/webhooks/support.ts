import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SceneServer } from '../../src/http/server.ts';
import type { DelivererOptions } from '../../src/webhooks/deliverer.ts';

/** Deliverer options in milliseconds, so retries and windows play out within a test. */
export const fastDelivery: Partial<DelivererOptions> = {
  pollIntervalMs: 25,
  timeoutMs: 1_000,
  retryWindowMs: 120_000,
  disableAfterMs: 120_000,
  retrySchedule: { initialDelayMs: 20, multiplier: 2, maxDelayMs: 100, jitter: 0.5 },
};

export type Answer = number | 'hang';

export interface ReceivedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  deliveryId: string;
  event: string;
  signature: string;
  body: string;
  /** What the receiver answered: a status, or 'hang' (never answered). */
  answer: Answer;
}

/** A real webhook receiver on 127.0.0.1 whose answers the test controls. */
export class TestReceiver {
  readonly requests: ReceivedRequest[] = [];
  answer: (request: { path: string; deliveryId: string; seen: number }) => Answer = () => 200;
  #server: http.Server;
  #port = 0;

  private constructor() {
    this.#server = this.#createServer();
  }

  static async start(): Promise<TestReceiver> {
    const receiver = new TestReceiver();
    await receiver.#listen(0);
    return receiver;
  }

  get port(): number {
    return this.#port;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.#port}${path}`;
  }

  /** Requests answered with a 2xx. */
  successes(): ReceivedRequest[] {
    return this.requests.filter((r) => typeof r.answer === 'number' && r.answer < 300);
  }

  /** Stops listening and drops open (hanging) connections: the port now refuses connections. */
  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }

  /** Listens again on the same port. */
  async restart(): Promise<void> {
    this.#server = this.#createServer();
    await this.#listen(this.#port);
  }

  #createServer(): http.Server {
    return http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const deliveryId = String(req.headers['scene-delivery'] ?? '');
        const path = req.url ?? '/';
        const seen = this.requests.filter((r) => r.deliveryId === deliveryId).length;
        const answer = this.answer({ path, deliveryId, seen });
        this.requests.push({
          path,
          headers: req.headers,
          deliveryId,
          event: String(req.headers['scene-event'] ?? ''),
          signature: String(req.headers['scene-signature'] ?? ''),
          body: Buffer.concat(chunks).toString('utf8'),
          answer,
        });
        if (answer === 'hang') return;
        res.writeHead(answer, { 'Content-Type': 'text/plain' });
        res.end(answer < 300 ? 'ok' : `receiver says ${answer}`);
      });
    });
  }

  async #listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, '127.0.0.1', () => resolve());
    });
    this.#port = (this.#server.address() as AddressInfo).port;
  }
}

/** Polls until the check passes; fails with the last reason after `timeoutMs` (a liveness bound, not a timing assertion). */
export async function waitFor<T>(
  description: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface WebhookJson {
  id: string;
  projectId: string;
  url: string;
  events: string[];
  active: boolean;
  description?: string;
  disabledReason?: string;
  failingSince?: string;
  secret?: string;
}

export interface DeliveryJson {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  status: 'pending' | 'succeeded' | 'failed';
  attemptCount: number;
  payload: { id: string; type: string; createdAt: string; data: Record<string, unknown> };
  attempts: {
    at: string;
    statusCode?: number;
    error?: string;
    durationMs: number;
    responseExcerpt?: string;
  }[];
}

interface DeliveryPage {
  items: DeliveryJson[];
  nextCursor: string | null;
}

export interface JsonResponse<T> {
  status: number;
  body: string;
  json: () => T;
}

/** Thin JSON client over Fastify inject. */
export function api(server: SceneServer) {
  const call = async <T>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: unknown,
  ) => {
    const response = await server.inject({
      method,
      url: `/api/v1${url}`,
      ...(payload !== undefined && { payload: payload as object }),
    });
    return { status: response.statusCode, body: response.body, json: () => response.json<T>() };
  };
  return {
    call,
    async createProject(name: string): Promise<string> {
      const r = await call<{ id: string }>('POST', '/projects', { name });
      if (r.status !== 201) throw new Error(`create project: ${r.status} ${r.body}`);
      return r.json().id;
    },
    async createWebhook(projectId: string, body: Record<string, unknown>): Promise<WebhookJson> {
      const r = await call<WebhookJson>('POST', `/projects/${projectId}/webhooks`, body);
      if (r.status !== 201) throw new Error(`create webhook: ${r.status} ${r.body}`);
      return r.json();
    },
    async deliveries(webhookId: string, query = ''): Promise<DeliveryJson[]> {
      const items: DeliveryJson[] = [];
      let cursor: string | null = null;
      do {
        const sep = query === '' ? '' : '&';
        const url = `/webhooks/${webhookId}/deliveries?limit=200${sep}${query}${cursor ? `&cursor=${cursor}` : ''}`;
        const r: JsonResponse<DeliveryPage> = await call<DeliveryPage>('GET', url);
        if (r.status !== 200) throw new Error(`deliveries: ${r.status} ${r.body}`);
        const page = r.json();
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return items;
    },
  };
}
