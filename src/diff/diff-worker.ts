import { parentPort } from 'node:worker_threads';
import { AppError, invariant } from '../shared/errors.ts';
import { computeDiff } from './compute-diff.ts';
import { asBuffer } from './diff-worker-protocol.ts';
import type { DiffJobMessage, DiffReplyMessage } from './diff-worker-protocol.ts';
import type { PngInput } from './diff.types.ts';

// Runs inside a diff pool worker thread: one job at a time, replies with the result and hands
// the output images' memory over to the main thread instead of copying it.

invariant(parentPort, 'diff-worker.ts must run in a worker thread');
const port = parentPort;

function toInput(input: string | Uint8Array): PngInput {
  return typeof input === 'string' ? input : asBuffer(input);
}

port.on('message', (job: DiffJobMessage) => {
  computeDiff(toInput(job.baseline), toInput(job.observed), job.options).then(
    (result) => {
      const transfer: ArrayBuffer[] = [];
      for (const image of [result.diffImage, result.heatmap]) {
        if (image && image.byteOffset === 0 && image.byteLength === image.buffer.byteLength) {
          transfer.push(image.buffer as ArrayBuffer);
        }
      }
      const reply: DiffReplyMessage = { id: job.id, ok: true, result };
      port.postMessage(reply, transfer);
    },
    (error: unknown) => {
      const reply: DiffReplyMessage = {
        id: job.id,
        ok: false,
        error: {
          message: error instanceof Error ? error.message : String(error),
          code: error instanceof AppError ? error.code : null,
        },
      };
      port.postMessage(reply);
    },
  );
});
