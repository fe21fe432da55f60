import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Contender } from './contenders.ts';

// In-process contenders share this heap: without a collection between samples, one tool's
// garbage (pngjs allocates hundreds of MB) is collected during the next tool's run.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

export interface Measurement {
  contender: string;
  medianMs: number;
  minMs: number;
  diffPixels: number | null;
}

/**
 * Runs every contender `iterations` times after `warmups`, interleaved round-robin so that
 * background load on a shared machine falls on all contenders alike, with a full garbage
 * collection (not timed) before each run.
 */
export async function measure(
  contenders: readonly Contender[],
  run: (contender: Contender) => Promise<number | null>,
  iterations: number,
  warmups: number,
): Promise<Measurement[]> {
  const samples = contenders.map(() => [] as number[]);
  const counts: (number | null)[] = contenders.map(() => null);
  for (let round = 0; round < warmups + iterations; round++) {
    for (const [index, contender] of contenders.entries()) {
      collectGarbage();
      const start = performance.now();
      const count = await run(contender);
      const elapsed = performance.now() - start;
      counts[index] = count;
      if (round >= warmups) samples[index]?.push(elapsed);
    }
  }
  return contenders.map((contender, index) => {
    const sorted = [...(samples[index] ?? [])].sort((a, b) => a - b);
    return {
      contender: contender.name,
      medianMs: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN,
      minMs: sorted[0] ?? Number.NaN,
      diffPixels: counts[index] ?? null,
    };
  });
}
