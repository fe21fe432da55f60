import { describe, expect, it } from 'vitest';
import {
  describeRunMatrix,
  expandRunMatrix,
  partsOfMatrixKey,
  runMatrixShape,
} from './run-matrix.ts';

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

describe('capture scopes in the matrix', () => {
  it('gives each element selector its own cell, keyed by the selector; a task scope wins', () => {
    const cells = expandRunMatrix({
      pages: [
        {
          id: 'p1',
          name: 'Home',
          capture: { scope: 'elements', selectors: ['.hero', 'a[x|="y"]'] },
        },
        { id: 'p2', name: 'About', capture: { scope: 'viewport' } },
      ],
      tasks: [],
      browsers: ['chromium'],
      viewports: [desktop, mobile],
    });
    expect(cells.map((c) => c.matrixKey)).toEqual([
      'p1||chromium|desktop|element:.hero',
      'p1||chromium|mobile|element:.hero',
      'p1||chromium|desktop|element:a[x|="y"]',
      'p1||chromium|mobile|element:a[x|="y"]',
      'p2||chromium|desktop',
      'p2||chromium|mobile',
    ]);
    expect(cells[2]?.capture).toEqual({ scope: 'element', selector: 'a[x|="y"]' });
    expect(cells[4]?.capture).toEqual({ scope: 'viewport' });
    expect(partsOfMatrixKey('p1||chromium|desktop|element:a[x|="y"]')).toEqual({
      pageId: 'p1',
      taskId: '',
      browser: 'chromium',
      viewportName: 'desktop',
      selector: 'a[x|="y"]',
    });

    const withTask = expandRunMatrix({
      pages: [{ id: 'p1', name: 'Home', capture: { scope: 'elements', selectors: ['.a', '.b'] } }],
      tasks: [{ id: 't1', name: 'menu', capture: { scope: 'fullPage' } }],
      browsers: ['chromium'],
      viewports: [desktop],
    });
    expect(withTask.map((c) => c.matrixKey)).toEqual(['p1|t1|chromium|desktop']);
  });

  it('counts and describes element cells as the run expands them (estimate, launch log)', () => {
    const input = {
      pages: [
        {
          id: 'p1',
          name: 'Home',
          capture: { scope: 'elements' as const, selectors: ['.a', '.b'] },
        },
        { id: 'p2', name: 'About' },
      ],
      tasks: [
        { id: 't1', name: 'menu' },
        { id: 't2', name: 'form', capture: { scope: 'fullPage' as const } },
      ],
      browsers: ['chromium', 'firefox'],
      viewports: [desktop, mobile],
    };
    const shape = runMatrixShape(input);
    // p1: 2 selectors in t1 + 1 in t2 (its fullPage wins); p2: 1 + 1 → 5 captures × 2 × 2.
    expect(shape).toEqual({
      cells: 20,
      pages: 2,
      taskStates: 2,
      captures: 5,
      browsers: 2,
      viewports: 2,
    });
    expect(shape.cells).toBe(expandRunMatrix(input).length);
    expect(describeRunMatrix(shape)).toBe(
      '20 execution(s) = 2 page(s) × 2 task state(s) → 5 capture(s) with element selectors × 2 browser(s) × 2 viewport(s)',
    );
    const plain = runMatrixShape({ ...input, pages: [{ id: 'p2', name: 'About' }] });
    expect(describeRunMatrix(plain)).toBe(
      '8 execution(s) = 1 page(s) × 2 task state(s) × 2 browser(s) × 2 viewport(s)',
    );
  });
});
