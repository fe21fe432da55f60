import type { Worker } from 'node:worker_threads';
import type { BandReply, BandTask } from './band-protocol.ts';
import { startWorker } from './start-worker.ts';

// One helper thread per thread that runs computeDiff, started on first use and kept (idle, it
// does not hold the process open). A crash rejects what it was doing; the next task starts a
// new helper.

interface Helper {
  worker: Worker;
  pending: Map<number, { resolve: (count: number) => void; reject: (error: Error) => void }>;
}

let helper: Helper | undefined;
let nextId = 1;

function startHelper(): Helper {
  const started: Helper = { worker: startWorker('band-worker'), pending: new Map() };
  started.worker.unref();
  started.worker.on('message', (reply: BandReply) => {
    const waiting = started.pending.get(reply.id);
    if (!waiting) return;
    started.pending.delete(reply.id);
    if (started.pending.size === 0) started.worker.unref();
    if (reply.ok) waiting.resolve(reply.count);
    else waiting.reject(new Error(`diff band helper: ${reply.message}`));
  });
  const fail = (reason: string) => {
    if (helper === started) helper = undefined;
    for (const waiting of started.pending.values())
      waiting.reject(new Error(`diff band helper ${reason}`));
    started.pending.clear();
  };
  started.worker.on('error', (error) => fail(`failed: ${error.message}`));
  started.worker.on('exit', (code) => fail(`exited with code ${code}`));
  return started;
}

/** Runs a band task on the helper thread; resolves with the pixels it counted (compare). */
export function runOnBandHelper(task: BandTask): Promise<number> {
  helper ??= startHelper();
  const current = helper;
  const id = nextId++;
  return new Promise<number>((resolve, reject) => {
    current.pending.set(id, { resolve, reject });
    current.worker.ref();
    current.worker.postMessage({ ...task, id });
  });
}
