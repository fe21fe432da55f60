import type { Logger } from '../shared/logger.ts';
import type { BusEvent, SceneEvent } from './scene-events.ts';

export interface EventFilter {
  /** Only events of this run. */
  runId?: string;
  /** Only events of this project. */
  projectId?: string;
  /** Only events of these projects (what a principal limited to some projects may see). */
  projectIds?: readonly string[];
}

export type EventListener = (event: SceneEvent) => void;

/** Turns a published event into what listeners receive (loading a changed run or execution). */
export type EventHydrator = (event: BusEvent) => Promise<SceneEvent | undefined>;

/**
 * Publish/subscribe for live updates (SSE, UI). Fire and forget: a listener that throws is
 * logged and does not affect the publisher or other listeners. The database stays the record;
 * a client that reconnects starts from a fresh snapshot.
 */
export interface EventBus {
  publish(event: BusEvent): void;
  /** Returns the unsubscribe function. */
  subscribe(listener: EventListener, filter?: EventFilter): () => void;
  /** Whether anyone in this process listens to this run (diagnostics, tests). */
  hasListeners(runId: string, projectId: string): boolean;
  close(): Promise<void>;
}

interface Subscription {
  listener: EventListener;
  filter: EventFilter;
}

function runIdOf(event: BusEvent | SceneEvent): string | undefined {
  return 'runId' in event ? event.runId : undefined;
}

/** What a change event is about, for dropping a pending duplicate; undefined for the others. */
function changeKey(event: BusEvent): string | undefined {
  switch (event.type) {
    case 'run.changed':
      return `run ${event.runId}`;
    case 'execution.changed':
      return `execution ${event.executionId}`;
    default:
      return undefined;
  }
}

function matches(filter: EventFilter, projectId: string, runId: string | undefined): boolean {
  if (filter.projectId !== undefined && filter.projectId !== projectId) return false;
  if (filter.projectIds !== undefined && !filter.projectIds.includes(projectId)) return false;
  if (filter.runId !== undefined && filter.runId !== runId) return false;
  return true;
}

/**
 * This process's listeners: events are hydrated (only when someone listens to their run or
 * project) and delivered one after the other, in the order they arrived. A run or execution
 * change still waiting when the same one arrives again is dropped: hydration loads the current
 * state, so the later one delivers what both would have (at the later position, after whatever
 * arrived between them), and a burst of changes costs one load instead of one each.
 */
export class LocalListeners {
  readonly #subscriptions = new Set<Subscription>();
  readonly #hydrate: EventHydrator;
  readonly #logger: Logger | undefined;
  readonly #pending: BusEvent[] = [];
  #draining: Promise<void> | undefined;

  constructor(hydrate: EventHydrator, logger?: Logger) {
    this.#hydrate = hydrate;
    this.#logger = logger;
  }

  subscribe(listener: EventListener, filter: EventFilter = {}): () => void {
    const subscription: Subscription = { listener, filter };
    this.#subscriptions.add(subscription);
    return () => {
      this.#subscriptions.delete(subscription);
    };
  }

  hasListeners(runId: string | undefined, projectId: string): boolean {
    return [...this.#subscriptions].some((s) => matches(s.filter, projectId, runId));
  }

  deliver(event: BusEvent): void {
    // Nobody listens: a listener that subscribes later reads the change in its snapshot.
    if (this.#subscriptions.size === 0) return;
    const key = changeKey(event);
    if (key !== undefined) {
      const earlier = this.#pending.findIndex((e) => changeKey(e) === key);
      if (earlier !== -1) this.#pending.splice(earlier, 1);
    }
    this.#pending.push(event);
    this.#draining ??= this.#drain();
  }

  /** Resolves once everything received so far has been delivered. */
  settled(): Promise<void> {
    return this.#draining ?? Promise.resolve();
  }

  async #drain(): Promise<void> {
    try {
      for (let event = this.#pending.shift(); event; event = this.#pending.shift()) {
        await this.#deliverNow(event);
      }
    } finally {
      this.#draining = undefined;
    }
  }

  async #deliverNow(event: BusEvent): Promise<void> {
    if (!this.hasListeners(runIdOf(event), event.projectId)) return;
    let hydrated: SceneEvent | undefined;
    try {
      hydrated = await this.#hydrate(event);
    } catch (error) {
      // Live updates are best effort; the change itself is committed.
      this.#logger?.warn({ err: error, event: event.type }, 'could not load a live update');
      return;
    }
    if (!hydrated) return;
    for (const subscription of [...this.#subscriptions]) {
      if (!matches(subscription.filter, hydrated.projectId, runIdOf(hydrated))) continue;
      try {
        subscription.listener(hydrated);
      } catch (error) {
        this.#logger?.error({ err: error, event: hydrated.type }, 'event listener threw');
      }
    }
  }
}

/** Events of this process only: the embedded default. */
export class InProcessEventBus implements EventBus {
  readonly #local: LocalListeners;

  constructor(hydrate: EventHydrator, logger?: Logger) {
    this.#local = new LocalListeners(hydrate, logger);
  }

  publish(event: BusEvent): void {
    this.#local.deliver(event);
  }

  subscribe(listener: EventListener, filter?: EventFilter): () => void {
    return this.#local.subscribe(listener, filter);
  }

  hasListeners(runId: string, projectId: string): boolean {
    return this.#local.hasListeners(runId, projectId);
  }

  close(): Promise<void> {
    return this.#local.settled();
  }
}
