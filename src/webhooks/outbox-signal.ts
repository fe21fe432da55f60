/**
 * Wakes the webhook deliverers of this process. The run engine (or any service that recorded
 * webhook events) calls `kick()` after its transaction commits; deliverers in other processes
 * find the rows at their next poll.
 */
export class WebhookOutboxSignal {
  readonly #listeners = new Set<() => void>();

  kick(): void {
    for (const listener of this.#listeners) listener();
  }

  /** Returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
