import { describe, expect, it } from 'vitest';
import { kernel } from './native-kernel.ts';

// The kernel trusts the sizes it is given only after checking them against the buffers.
describe('diff kernel', () => {
  /** compare() on 16×16 images with buffers of the given sizes (bytes; grid in cells). */
  function compareSized(sizes: { image: number; mask: number; gridCells: number }): number {
    const image = new Uint8Array(sizes.image);
    const cells = sizes.gridCells;
    const bounds = new Int32Array(cells);
    return kernel.compare(
      image,
      image,
      16,
      16,
      0,
      0,
      new Int32Array(0),
      new Uint8Array(sizes.mask),
      16,
      new Uint8Array(16),
      new Uint16Array(cells),
      bounds,
      bounds,
      bounds,
      bounds,
      2,
    );
  }

  it('compares buffers of the right sizes', () => {
    expect(compareSized({ image: 16 * 16 * 4, mask: 256, gridCells: 4 })).toBe(0);
  });

  it('refuses images smaller than width × height instead of reading past them', () => {
    expect(() => compareSized({ image: 4 * 4 * 4, mask: 256, gridCells: 4 })).toThrow(
      /images smaller than width × height/,
    );
  });

  it('refuses a mask or change grid too small for the images', () => {
    expect(() => compareSized({ image: 16 * 16 * 4, mask: 16, gridCells: 4 })).toThrow(
      /mask or change grid smaller than the images/,
    );
    expect(() => compareSized({ image: 16 * 16 * 4, mask: 256, gridCells: 1 })).toThrow(
      /mask or change grid smaller than the images/,
    );
  });

  it('refuses to draw into output images smaller than the canvas', () => {
    const image = new Uint8Array(16 * 16 * 4);
    expect(() =>
      kernel.render(
        image,
        16,
        16,
        image,
        16,
        16,
        1,
        new Uint8Array(256),
        new Uint8Array(16),
        16,
        16,
        new Uint8Array(10),
        null,
        new Float32Array(4),
        2,
        2,
        new Uint8Array(768),
        new Int32Array(5),
      ),
    ).toThrow(/render buffers do not match the canvas/);
  });

  it('refuses a call with missing arguments', () => {
    const compare = kernel.compare as unknown as (...args: unknown[]) => number;
    expect(() => compare(new Uint8Array(4), new Uint8Array(4), 1, 1)).toThrow(
      /compare takes 16 arguments/,
    );
  });
});
