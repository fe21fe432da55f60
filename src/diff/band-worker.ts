import { parentPort } from 'node:worker_threads';
import { invariant } from '../shared/errors.ts';
import type { BandJob, BandReply } from './band-protocol.ts';
import { comparePixels } from './compare-pixels.ts';
import type { RgbaImage } from './decode-png.ts';
import { asBuffer } from './diff-worker-protocol.ts';
import { renderRows } from './render-images.ts';
import type { RenderedImages } from './render-images.ts';

// The band helper thread: compares or draws its share of rows of one image pair, in shared
// memory, while the calling thread does the other share.

invariant(parentPort, 'band-worker.ts must run in a worker thread');
const port = parentPort;

// Buffers arrive as plain Uint8Arrays over the same shared memory.
function revived(image: RgbaImage): RgbaImage {
  return { ...image, data: asBuffer(image.data) };
}

function revivedImages(images: RenderedImages): RenderedImages {
  const out: RenderedImages = {};
  if (images.diffImage)
    out.diffImage = { ...images.diffImage, scanlines: asBuffer(images.diffImage.scanlines) };
  if (images.heatmap)
    out.heatmap = { ...images.heatmap, scanlines: asBuffer(images.heatmap.scanlines) };
  return out;
}

port.on('message', (job: BandJob) => {
  let reply: BandReply;
  try {
    const baseline = revived(job.baseline);
    const observed = revived(job.observed);
    let count = 0;
    if (job.kind === 'compare') {
      count = comparePixels(
        baseline.data,
        observed.data,
        baseline.width,
        baseline.height,
        job.sensitivity,
        job.ignored,
        job.mask,
        job.grid,
        baseline.opaque && observed.opaque,
        job.rows,
      );
    } else {
      renderRows(baseline, observed, job.mask, job.heat, revivedImages(job.images), job.rows);
    }
    reply = { id: job.id, ok: true, count };
  } catch (error) {
    reply = {
      id: job.id,
      ok: false,
      message: error instanceof Error ? error.message : String(error),
    };
  }
  port.postMessage(reply);
});
