import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserPool } from '../../src/capture/browser-pool.ts';
import { captureExecution } from '../../src/capture/capture-execution.ts';
import { captureRequest } from '../../src/capture/capture-test-helpers.ts';
import type { CapturedImage } from '../../src/capture/capture.types.ts';
import { computeDiff } from '../../src/diff/compute-diff.ts';
import type { Change } from '../../src/diff/explain/explain-changes.ts';
import { explainChanges } from '../../src/diff/explain/explain-changes.ts';
import { explainDiff, type DiffExplanation } from '../../src/diff/explain/explain-diff.ts';
import { changedBannerHeight, changePaths } from '../fixtures/site/change-pages.ts';
import { startFixtureSite, type FixtureSite } from '../fixtures/site/fixture-site.ts';

/**
 * Issue 15 through the capture and explain pipeline (real Chromium, one shared browser): each
 * fixture page with one seeded change yields that element as the root cause, with the right
 * kind, properties and offset, and every moved element points to it.
 */
describe('seeded changes explained', () => {
  let site: FixtureSite;
  let pool: BrowserPool;
  beforeAll(async () => {
    site = await startFixtureSite();
    pool = new BrowserPool();
    await pool.acquire('chromium');
  }, 60_000);
  afterAll(async () => {
    await pool.close();
    await site.close();
  });

  async function capture(path: string, variant: 'original' | 'changed'): Promise<CapturedImage> {
    site.setVariant(variant);
    const result = await captureExecution(pool, captureRequest(site.url + path), {
      signal: new AbortController().signal,
    });
    return result.observed;
  }

  async function explain(path: string): Promise<DiffExplanation & { diffPercent: number }> {
    const before = await capture(path, 'original');
    const after = await capture(path, 'changed');
    expect(before.layout?.elements.length).toBeGreaterThan(3);
    const diff = await computeDiff(before.png, after.png);
    expect(diff.diffPixels).toBeGreaterThan(0);
    const explained = await explainDiff(
      {
        before: before.layout ?? fail(),
        after: after.layout ?? fail(),
        baselinePng: before.png,
        observedPng: after.png,
        diff,
        ignoreRegions: [],
        scale: 1,
      },
      computeDiff,
    );
    return { ...explained, diffPercent: diff.diffPercent };
  }

  function roots(changes: Change[]): Change[] {
    return changes.filter((c) => c.rootCause);
  }

  /** Every change that is not a root cause points to the root cause at index 0. */
  function expectAllCausedByFirst(changes: Change[]): void {
    for (const change of changes.slice(1)) {
      expect(change.rootCause, JSON.stringify(change)).toBe(false);
      expect(change.causedBy, JSON.stringify(change)).toBe(0);
    }
  }

  /** The elements below moved down by `dy`; containers around the root cause grew with it. */
  function expectPushedBy(changes: Change[], dy: number): void {
    const moves = changes.filter((c) => c.kind === 'moved');
    expect(moves.length).toBeGreaterThan(5);
    for (const move of moves) expect(move.dy).toBe(dy);
    for (const other of changes.slice(1).filter((c) => c.kind !== 'moved')) {
      expect(other.kind).toBe('resized');
      expect((other.after?.height ?? 0) - (other.before?.height ?? 0)).toBe(dy);
    }
  }

  function pageHeight(changes: Change[]): number {
    return Math.max(...changes.map((c) => (c.after ? c.after.y + c.after.height : 0)));
  }

  it('an inserted banner: one added root cause, the rest moved down by its height', async () => {
    const { changes, changedPercent, diffPercent, changeSummary } = await explain(
      changePaths.banner,
    );
    expect(roots(changes)).toEqual([
      expect.objectContaining({ kind: 'added', selector: '#banner', rootCause: true }),
    ]);
    expect(changes.length).toBeGreaterThan(30);
    expectAllCausedByFirst(changes);
    expectPushedBy(changes, changedBannerHeight);
    // About the banner's own share of the page, while the plain diff counts the shifted page.
    const bannerShare = (changedBannerHeight * 100) / pageHeight(changes);
    expect(changedPercent).toBeGreaterThan(bannerShare * 0.8);
    expect(changedPercent).toBeLessThan(bannerShare * 1.2);
    expect(diffPercent).toBeGreaterThan(changedPercent * 4);
    expect(changeSummary).toMatch(
      /^div#banner "Sale today": added \(1280×40\); \d+ elements below moved down 40px$/,
    );
  });

  it('a removed card: one removed root cause; the cards after it move into place', async () => {
    const { changes } = await explain(changePaths.grid);
    expect(roots(changes)).toEqual([
      expect.objectContaining({ kind: 'removed', selector: '#card-3' }),
    ]);
    expectAllCausedByFirst(changes);
    expect(
      changes
        .slice(1)
        .map((c) => c.selector)
        .sort(),
    ).toEqual(['#card-4', '#card-5', '#card-6', '#card-7', '#card-8', '#card-9']);
  });

  it('a heading whose font size grows: restyled with the property, the sections below moved', async () => {
    const { changes } = await explain(changePaths.heading);
    const [root] = roots(changes);
    expect(roots(changes)).toHaveLength(1);
    expect(root).toMatchObject({ kind: 'restyled', selector: '#create' });
    expect(root?.properties).toContainEqual({ name: 'font-size', before: '26px', after: '30px' });
    expectAllCausedByFirst(changes);
    const moves = changes.filter((c) => c.kind === 'moved');
    expect(moves.length).toBeGreaterThan(5);
    const grew = (root?.after?.height ?? 0) - (root?.before?.height ?? 0);
    for (const move of moves) expect(move.dy).toBe(grew);
  });

  it.each([
    [changePaths.buttonColor, 'rgb(37, 99, 235)', 'rgb(220, 38, 38)'],
    [changePaths.buttonLevel, 'rgb(37, 99, 235)', 'rgb(37, 99, 236)'],
  ])(
    'a button colour change (%s): restyled background-color, nothing else',
    async (path, before, after) => {
      const { changes } = await explain(path);
      expect(changes).toEqual([
        expect.objectContaining({
          kind: 'restyled',
          selector: '#buy',
          rootCause: true,
          properties: [{ name: 'background-color', before, after }],
        }),
      ]);
    },
  );

  it('a swapped image: one image change', async () => {
    const { changes } = await explain(changePaths.image);
    expect(changes).toEqual([expect.objectContaining({ kind: 'image', selector: '#hero' })]);
  });

  it('a text change of equal width: one text change, nothing moved', async () => {
    const { changes } = await explain(changePaths.text);
    expect(changes).toEqual([expect.objectContaining({ kind: 'text', selector: '#code' })]);
  });

  it('a hidden element shown: added, the rest moved down by its height', async () => {
    const { changes } = await explain(changePaths.shown);
    expect(roots(changes)).toEqual([
      expect.objectContaining({ kind: 'added', selector: '#notice' }),
    ]);
    expectAllCausedByFirst(changes);
    expectPushedBy(changes, 60);
  });

  it('a 1 px shift of one button: that button moved by itself, dy 1', async () => {
    const { changes } = await explain(changePaths.shift);
    expect(changes).toEqual([
      expect.objectContaining({ kind: 'moved', selector: '#nudge', rootCause: true, dy: 1 }),
    ]);
  });

  it('an unchanged page: no changes', async () => {
    const first = await capture(changePaths.banner, 'original');
    const second = await capture(changePaths.banner, 'original');
    expect(explainChanges(first.layout ?? fail(), second.layout ?? fail())).toEqual([]);
  });
});

function fail(): never {
  throw new Error('no layout snapshot');
}
