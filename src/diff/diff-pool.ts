import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { AppError } from '../shared/errors.ts';
import { asBuffer } from './diff-worker-protocol.ts';
import type { DiffJobMessage, DiffReplyMessage } from './diff-worker-protocol.ts';
import type { DiffOptions, DiffResult, PngInput } from './diff.types.ts';
import { startWorker } from './start-worker.ts';

export interface DiffPoolOptions {
  /** Worker threads; default: available cores, at most 4. */
  size?: number;
  /**
   * Move input Buffers to the worker instead of copying them. The caller's Buffers become
   * empty, so only set this when the bytes are not needed afterwards (the capture pipeline
   * usually still stores them). Paths are always passed as strings.
   */
  transferInputs?: boolean;
}

export interface DiffPool {
  computeDiff(baseline: PngInput, observed: PngInput, options?: DiffOptions): Promise<DiffResult>;
  /** Stops the workers; queued and running comparisons reject. */
  close(): Promise<void>;
}

interface Job {
  message: DiffJobMessage;
  transfer: ArrayBuffer[];
  resolve: (result: DiffResult) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  job: Job | undefined;
}

/**
 * A pool of worker threads running computeDiff off the main event loop, one comparison per
 * worker at a time, so several queued comparisons use all cores. Workers start on first use,
 * do not keep the process alive while idle, and are replaced when one dies.
 */
export function createDiffPool(options: DiffPoolOptions = {}): DiffPool {
  const size = Math.max(1, options.size ?? Math.min(4, availableParallelism()));
  const slots: Slot[] = [];
  const queue: Job[] = [];
  let nextId = 1;
  let closed = false;

  function spawn(): Slot {
    const slot: Slot = { worker: startWorker('diff-worker'), job: undefined };
    slot.worker.unref();
    slot.worker.on('message', (reply: DiffReplyMessage) => {
      const job = slot.job;
      if (!job || job.message.id !== reply.id) return;
      slot.job = undefined;
      slot.worker.unref();
      if (reply.ok) job.resolve(revive(reply.result));
      else job.reject(new AppError(reply.error.code ?? 'internal', reply.error.message));
      dispatch();
    });
    const fail = (reason: string) => {
      const index = slots.indexOf(slot);
      if (index >= 0) slots.splice(index, 1);
      const job = slot.job;
      slot.job = undefined;
      job?.reject(new AppError('internal', `diff worker failed: ${reason}`));
      if (!closed) dispatch();
    };
    slot.worker.on('error', (error) => fail(error.message));
    slot.worker.on('exit', (code) => fail(`exited with code ${code}`));
    slots.push(slot);
    return slot;
  }

  function dispatch(): void {
    while (queue.length > 0) {
      const slot =
        slots.find((s) => s.job === undefined) ?? (slots.length < size ? spawn() : undefined);
      const job = slot ? queue.shift() : undefined;
      if (!slot || !job) return;
      slot.job = job;
      slot.worker.ref();
      slot.worker.postMessage(job.message, job.transfer);
    }
  }

  return {
    computeDiff(baseline, observed, diffOptions = {}) {
      if (closed) return Promise.reject(new AppError('unavailable', 'the diff pool is closed'));
      return new Promise<DiffResult>((resolve, reject) => {
        const transfer: ArrayBuffer[] = [];
        const message: DiffJobMessage = {
          id: nextId++,
          baseline: outgoing(baseline, options.transferInputs ?? false, transfer),
          observed: outgoing(observed, options.transferInputs ?? false, transfer),
          options: diffOptions,
        };
        queue.push({ message, transfer, resolve, reject });
        dispatch();
      });
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0))
        job.reject(new AppError('unavailable', 'the diff pool was closed'));
      await Promise.all(slots.map((slot) => slot.worker.terminate()));
    },
  };
}

// A Buffer may be a slice of a shared pool (small Buffers are), so only a Buffer that owns
// its whole ArrayBuffer is transferred; anything else is copied by the structured clone.
function outgoing(
  input: PngInput,
  transferInputs: boolean,
  transfer: ArrayBuffer[],
): PngInput | Uint8Array {
  if (typeof input === 'string') return input;
  const owned = input.byteOffset === 0 && input.byteLength === input.buffer.byteLength;
  if (
    transferInputs &&
    owned &&
    input.buffer instanceof ArrayBuffer &&
    !transfer.includes(input.buffer)
  ) {
    transfer.push(input.buffer);
  }
  return input;
}

function revive(result: DiffResult): DiffResult {
  if (result.diffImage) result.diffImage = asBuffer(result.diffImage);
  if (result.heatmap) result.heatmap = asBuffer(result.heatmap);
  return result;
}
