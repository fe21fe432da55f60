import { describe, expect, it } from 'vitest';
import { alignBaseline } from '../align-baseline.ts';
import type { Change } from './explain-changes.ts';
import { withPixelChanges } from './pixel-changes.ts';
import { shiftAlignment } from './shift-alignment.ts';

const banner: Change = {
  kind: 'added',
  selector: '#banner',
  rootCause: true,
  after: { x: 0, y: 0, width: 100, height: 10 },
  pixels: 1000,
};

function pushed(y: number, dy: number): Change {
  return {
    kind: 'moved',
    selector: `#s${y}`,
    rootCause: false,
    causedBy: 0,
    before: { x: 0, y, width: 100, height: 20 },
    after: { x: 0, y: y + dy, width: 100, height: 20 },
    dy,
    pixels: 0,
  };
}

describe('shiftAlignment', () => {
  it('shifts the rows below an inserted element, margins included, not the element itself', () => {
    const alignment = shiftAlignment([banner, pushed(0, 10), pushed(30, 10)], 1, 60);
    expect(alignment).toEqual({ rows: [{ y: 10, height: 50, dy: 10 }], blocks: [] });
  });

  it('scales to image pixels', () => {
    const alignment = shiftAlignment([banner, pushed(0, 10)], 2, 120);
    expect(alignment?.rows).toEqual([{ y: 20, height: 100, dy: 20 }]);
  });

  it('moves an element that moved by itself as a block, taking nothing along', () => {
    const { causedBy: _cause, ...rest } = pushed(30, 1);
    const self: Change = { ...rest, rootCause: true };
    expect(shiftAlignment([self], 1, 80)).toEqual({
      rows: [],
      blocks: [{ x: 0, y: 31, width: 100, height: 20, dx: 0, dy: 1 }],
    });
  });

  it('has nothing to undo without moves', () => {
    expect(shiftAlignment([banner], 1, 60)).toBeUndefined();
  });
});

describe('alignBaseline', () => {
  it('shows each observed row the baseline row it came from', () => {
    // 1 px wide, 4 rows: values 1..4 in the red channel.
    const data = Buffer.from([1, 0, 0, 255, 2, 0, 0, 255, 3, 0, 0, 255, 4, 0, 0, 255]);
    const aligned = alignBaseline({ data, width: 1, height: 4, opaque: true }, 1, 5, {
      rows: [{ y: 2, height: 3, dy: 1 }],
      blocks: [],
    });
    expect([...aligned.data].filter((_, i) => i % 4 === 0)).toEqual([1, 2, 2, 3, 4]);
  });
});

describe('withPixelChanges', () => {
  it('lists changed pixels no change explains, after the root causes, renumbering causedBy', () => {
    const after = {
      version: 1 as const,
      width: 100,
      height: 200,
      elements: [
        {
          selector: '#canvas',
          tag: 'canvas',
          parent: -1,
          rect: { x: 0, y: 150, width: 100, height: 50 },
          styles: {},
        },
      ],
    };
    const listed = withPixelChanges(
      [banner, pushed(0, 10)],
      [
        { x: 0, y: 0, width: 100, height: 10 },
        { x: 10, y: 160, width: 20, height: 20 },
      ],
      after,
    );
    expect(listed.map((c) => [c.kind, c.selector, c.causedBy])).toEqual([
      ['added', '#banner', undefined],
      ['pixels', '#canvas', undefined],
      ['moved', '#s0', 0],
    ]);
  });
});
