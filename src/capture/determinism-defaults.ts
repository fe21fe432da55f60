import type { PageDeterminism } from './capture.types.ts';

// Kept apart from determinism.ts (which drives the browser) so that schemas can name the
// defaults without loading the capture engine.

/** Default instant a frozen page sees as "now": a constant, so baseline and compare agree. */
export const defaultFrozenTime = '2025-01-01T12:00:00.000Z';

/** Everything on: what a capture gets unless a page or batch opts out. */
export function defaultDeterminism(randomSeed: string): PageDeterminism {
  return { freezeTime: true, frozenTime: defaultFrozenTime, seedRandom: true, randomSeed };
}
