import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { DiffKernel } from './diff-kernel.types.ts';
import { jsKernel } from './js-kernel.ts';

export type { DiffKernel } from './diff-kernel.types.ts';

/**
 * The per-pixel loops of a comparison: in C (src/diff/native/diff-kernel.c, a Node-API addon
 * built by `npm run build:native`, which bin/setup runs; an installed package carries one built
 * for linux-x64) when it loads, else the same loops in JavaScript (js-kernel.ts), whose outputs
 * are byte-identical, only slower. Which one is in use is decided once per thread, here;
 * `scene serve` and `scene worker` log it when it is the fallback.
 */
const addonPath = fileURLToPath(new URL('../../build/Release/diff_kernel.node', import.meta.url));

export interface KernelChoice {
  kernel: DiffKernel;
  kind: 'native' | 'js';
  /** Why the native kernel is not used (kind 'js'). */
  reason?: string;
}

function chooseKernel(): KernelChoice {
  if (!existsSync(addonPath)) {
    return { kernel: jsKernel, kind: 'js', reason: `${addonPath} is missing` };
  }
  try {
    return { kernel: createRequire(import.meta.url)(addonPath) as DiffKernel, kind: 'native' };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { kernel: jsKernel, kind: 'js', reason: `${addonPath} does not load: ${message}` };
  }
}

export const kernelChoice: Readonly<KernelChoice> = Object.freeze(chooseKernel());

export const kernel: DiffKernel = kernelChoice.kernel;

/** The native kernel itself, for tests that compare it with the fallback; throws when absent. */
export function loadNativeKernel(): DiffKernel {
  if (kernelChoice.kind !== 'native') {
    throw new Error(
      `Scene's native diff kernel is not available (${kernelChoice.reason}): run bin/setup, or npm run build:native`,
    );
  }
  return kernelChoice.kernel;
}
