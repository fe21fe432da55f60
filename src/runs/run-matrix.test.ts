import { describe, expect, it } from 'vitest';
import { expandRunMatrix } from './run-matrix.ts';

const desktop = { name: 'desktop', width: 1280, height: 800 };
const mobile = { name: 'mobile', width: 390, height: 844 };

describe('expandRunMatrix', () => {
  it('nests pages × tasks × browsers × viewports with keys pageId|taskId|browser|viewport', () => {
    const cells = expandRunMatrix({
      pages: [
        { id: 'p1', name: 'Home' },
        { id: 'p2', name: 'About' },
      ],
      tasks: [
        { id: 't1', name: 'menu' },
        { id: 't2', name: 'form' },
      ],
      browsers: ['chromium'],
      viewports: [desktop, mobile],
    });
    expect(cells).toHaveLength(8);
    expect(cells.map((c) => c.position)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(cells.map((c) => c.matrixKey).slice(0, 4)).toEqual([
      'p1|t1|chromium|desktop',
      'p1|t1|chromium|mobile',
      'p1|t2|chromium|desktop',
      'p1|t2|chromium|mobile',
    ]);
    expect(new Set(cells.map((c) => c.matrixKey)).size).toBe(8);
  });

  it('captures each page once as loaded when the batch has no tasks', () => {
    const cells = expandRunMatrix({
      pages: [{ id: 'p1', name: 'Home' }],
      tasks: [],
      browsers: ['chromium', 'firefox'],
      viewports: [desktop],
    });
    expect(cells.map((c) => [c.matrixKey, c.task])).toEqual([
      ['p1||chromium|desktop', null],
      ['p1||firefox|desktop', null],
    ]);
  });
});
