import { describe, expect, it } from 'vitest';
import { kernel } from './native-kernel.ts';

// The kernel trusts the sizes it is given only after checking them against the buffers.
describe('diff kernel', () => {
  const grid = (cells: number) => ({
    counts: new Uint16Array(cells),
    min: new Int32Array(cells),
  });

  it('refuses images smaller than width × height instead of reading past them', () => {
    const { counts, min } = grid(4);
    const small = new Uint8Array(4 * 4 * 4);
    expect(() =>
      kernel.compare(
        small,
        small,
        16,
        16,
        0,
        0,
        new Int32Array(0),
        new Uint8Array(256),
        16,
        new Uint8Array(16),
        counts,
        min,
        min,
        min,
        min,
        2,
      ),
    ).toThrow(/images smaller than width × height/);
  });

  it('refuses a call with missing arguments', () => {
    const compare = kernel.compare as unknown as (...args: unknown[]) => number;
    expect(() => compare(new Uint8Array(4), new Uint8Array(4), 1, 1)).toThrow(
      /compare takes 16 arguments/,
    );
  });
});
