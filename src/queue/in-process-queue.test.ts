import { describe, expect, it } from 'vitest';
import { InProcessQueue } from './in-process-queue.ts';
import type { ExecutionJob } from './queue.ts';

const job = (id: string): ExecutionJob => ({ executionId: id, runId: 'r' });

/** A handler whose jobs finish when the test says so. */
function controllableHandler() {
  const started: string[] = [];
  const finishers = new Map<string, () => void>();
  const aborted = new Map<string, unknown>();
  const handler = (j: ExecutionJob, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      started.push(j.executionId);
      finishers.set(j.executionId, resolve);
      signal.addEventListener('abort', () => {
        aborted.set(j.executionId, signal.reason);
        resolve();
      });
    });
  return { handler, started, finishers, aborted };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('InProcessQueue', () => {
  it('runs jobs first in, first out, at most `concurrency` at once', async () => {
    const queue = new InProcessQueue();
    const h = controllableHandler();
    queue.consume(h.handler, { concurrency: 2 });
    await queue.enqueue(['a', 'b', 'c', 'd'].map(job));
    expect(h.started).toEqual(['a', 'b']);
    expect(queue.stats()).toEqual({ waiting: 2, active: 2 });
    h.finishers.get('a')?.();
    await tick();
    expect(h.started).toEqual(['a', 'b', 'c']);
    queue.setConcurrency(3);
    expect(h.started).toEqual(['a', 'b', 'c', 'd']);
    await queue.close();
  });

  it('runs an execution enqueued twice once', async () => {
    const queue = new InProcessQueue();
    const h = controllableHandler();
    await queue.enqueue([job('a'), job('a'), job('b')]);
    expect(queue.stats().waiting).toBe(2);
    queue.consume(h.handler, { concurrency: 1 });
    expect(h.started).toEqual(['a']);
    await queue.close();
  });

  it('cancel aborts running jobs with the reason and leaves waiting ones to be skipped by their handler', async () => {
    const queue = new InProcessQueue();
    const h = controllableHandler();
    queue.consume(h.handler, { concurrency: 1 });
    await queue.enqueue(['a', 'b', 'c'].map(job));
    await queue.cancel(['a', 'b'], 'user');
    expect(h.aborted.get('a')).toBe('user');
    await tick();
    // 'b' still reaches its handler, which finds its execution cancelled and does nothing.
    expect(h.started).toEqual(['a', 'b']);
    await queue.close();
  });

  it('a cancel that lands after the execution was re-queued does not lose the new job', async () => {
    const queue = new InProcessQueue();
    const h = controllableHandler();
    queue.consume(h.handler, { concurrency: 1 });
    await queue.enqueue(['x', 'a'].map(job));
    // 'a' waits behind 'x'; a stale cancel of 'a' (from before a retry re-queued it) arrives.
    await queue.cancel(['a'], 'user');
    h.finishers.get('x')?.();
    await tick();
    expect(h.started).toEqual(['x', 'a']);
    await queue.close();
  });

  it('close aborts running jobs with reason shutdown, waits for them and takes no more', async () => {
    const queue = new InProcessQueue();
    const h = controllableHandler();
    queue.consume(h.handler, { concurrency: 1 });
    await queue.enqueue(['a', 'b'].map(job));
    await queue.close();
    expect(h.aborted.get('a')).toBe('shutdown');
    await queue.enqueue([job('c')]);
    await tick();
    expect(h.started).toEqual(['a']);
    expect(queue.stats()).toEqual({ waiting: 0, active: 0 });
  });

  it('a job re-queued while its cancelled run settles runs again afterwards', async () => {
    const queue = new InProcessQueue();
    const h = controllableHandler();
    let release: () => void = () => undefined;
    let calls = 0;
    queue.consume(
      (j, signal) => {
        calls++;
        if (calls > 1) return h.handler(j, signal);
        // The first run ignores the abort for a while, like a capture closing its context.
        return new Promise<void>((resolve) => (release = resolve));
      },
      { concurrency: 2 },
    );
    await queue.enqueue([job('a')]);
    await queue.cancel(['a'], 'user');
    await queue.enqueue([job('a')]);
    await tick();
    expect(calls).toBe(1);
    release();
    await tick();
    await tick();
    expect(calls).toBe(2);
    await queue.close();
  });

  it('runs a job whose handler threw again later, until it succeeds', async () => {
    const queue = new InProcessQueue(undefined, { firstRetryMs: 1, maxRetryMs: 2 });
    const seen: string[] = [];
    let failuresLeft = 3;
    const succeeded = new Promise<void>((resolve) => {
      queue.consume(
        (j) => {
          seen.push(j.executionId);
          if (j.executionId === 'a' && failuresLeft-- > 0) {
            return Promise.reject(new Error('connect ECONNREFUSED'));
          }
          if (j.executionId === 'a') resolve();
          return Promise.resolve();
        },
        { concurrency: 1 },
      );
    });
    await queue.enqueue(['a', 'b'].map(job));
    await succeeded;
    expect(seen.filter((id) => id === 'a')).toHaveLength(4);
    expect(seen).toContain('b');
    await queue.close();
  });

  it('close cancels the pending re-runs of failed jobs', async () => {
    const queue = new InProcessQueue(undefined, { firstRetryMs: 60_000 });
    let calls = 0;
    queue.consume(
      () => {
        calls++;
        return Promise.reject(new Error('down'));
      },
      { concurrency: 1 },
    );
    await queue.enqueue([job('a')]);
    await tick();
    await queue.close();
    expect(calls).toBe(1);
    expect(queue.stats()).toEqual({ waiting: 0, active: 0 });
  });
});
