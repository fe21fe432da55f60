import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserPool } from '../../capture/browser-pool.ts';
import { captureLayoutSnapshot } from '../../capture/layout-snapshot.ts';
import type { LayoutSnapshot } from '../../shared/layout-snapshot.ts';
import { summarizeChanges } from './change-summary.ts';
import { explainChanges, type Change } from './explain-changes.ts';

// Layout snapshots taken by Chromium of a page before and after one seeded change: the change
// is named once, as the root cause, and what it pushed points to it.

let pool: BrowserPool;
let browser: Browser;

beforeAll(async () => {
  pool = new BrowserPool();
  browser = await pool.acquire('chromium');
});

afterAll(async () => {
  await pool.close();
});

async function snapshotOf(html: string): Promise<LayoutSnapshot> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  try {
    const page = await context.newPage();
    await page.setContent(html);
    const cdp = await context.newCDPSession(page);
    return await captureLayoutSnapshot(cdp);
  } finally {
    await context.close();
  }
}

const style = `<style>
  body { margin: 0; font: 16px/1.5 sans-serif; }
  h2 { font-size: 26px; margin: 8px; }
  p { margin: 8px; }
  .grid { display: grid; grid-template-columns: repeat(3, 200px); gap: 10px; }
  .card { height: 100px; background: #ddd; }
  button { background: #2563eb; color: white; border: 0; padding: 8px; }
  img { display: block; width: 40px; height: 40px; }
</style>`;

function page(body: string): string {
  return `<!doctype html><html><head>${style}</head><body>${body}</body></html>`;
}

const pixel = (color: string): string =>
  `data:image/svg+xml,${encodeURIComponent(`<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4" fill="${color}"/></svg>`)}`;

const article = (heading = '<h2 id="create">Create a project</h2>'): string => `
  ${heading}
  <p>First paragraph of the page.</p>
  <p>Second paragraph, a little longer than the first one.</p>
  <button id="save">Save</button>
  <p>Closing words.</p>`;

async function explain(before: string, after: string): Promise<Change[]> {
  return explainChanges(await snapshotOf(page(before)), await snapshotOf(page(after)));
}

function roots(changes: Change[]): Change[] {
  return changes.filter((c) => c.rootCause);
}

describe('explaining a change by the elements that changed', () => {
  it('finds nothing on an unchanged page', async () => {
    expect(await explain(article(), article())).toEqual([]);
  });

  it('an inserted banner: one added root cause, everything below moved by its height', async () => {
    const changes = await explain(
      article(),
      `<div id="banner" style="height:40px;background:gold">Sale <b>today</b></div>${article()}`,
    );
    expect(roots(changes)).toMatchObject([{ kind: 'added', selector: '#banner' }]);
    const moved = changes.filter((c) => c.kind === 'moved');
    expect(moved.length).toBeGreaterThanOrEqual(5);
    for (const c of moved) expect(c).toMatchObject({ rootCause: false, causedBy: 0, dy: 40 });
    expect(summarizeChanges(changes)).toMatch(
      /^div#banner "Sale": added \(1000×40\); \d+ elements below moved down 40px$/,
    );
  });

  it('a removed card in a grid: one removed root cause, the cards after it reflow', async () => {
    const cards = (n: number[]): string =>
      `<div class="grid">${n.map((i) => `<div class="card">Card ${i}</div>`).join('')}</div>`;
    const changes = await explain(cards([1, 2, 3, 4, 5, 6]), cards([1, 2, 4, 5, 6]));
    expect(roots(changes)).toMatchObject([{ kind: 'removed' }]);
    expect(roots(changes)[0]?.label).toBe('div "Card 3"');
    const moved = changes.filter((c) => c.kind === 'moved');
    expect(moved.map((c) => c.label).sort()).toEqual([
      'div "Card 4"',
      'div "Card 5"',
      'div "Card 6"',
    ]);
    for (const c of moved) expect(c).toMatchObject({ rootCause: false, causedBy: 0 });
  });

  it('a heading whose font grows: restyled with the property, the rest moved down', async () => {
    const changes = await explain(
      article(),
      article('<h2 id="create" style="font-size:30px">Create a project</h2>'),
    );
    const [root, ...rest] = changes;
    expect(roots(changes)).toHaveLength(1);
    expect(root).toMatchObject({ kind: 'restyled', selector: '#create' });
    expect(root?.properties).toContainEqual({ name: 'font-size', before: '26px', after: '30px' });
    const dy = (root?.after?.height ?? 0) - (root?.before?.height ?? 0);
    expect(dy).toBeGreaterThan(0);
    // The page around it grew (body: resized), what follows it moved: all because of it.
    for (const c of rest) expect(c).toMatchObject({ rootCause: false, causedBy: 0 });
    const moved = rest.filter((c) => c.kind === 'moved');
    expect(moved.length).toBeGreaterThanOrEqual(4);
    for (const c of moved) expect(c).toMatchObject({ dy });
    expect(summarizeChanges(changes)).toMatch(
      /^h2#create "Create a project": font-size 26px → 30px, line-height 39px → 45px \(\+6px height\); 4 elements below moved down 6px$/,
    );
  });

  it('a button colour change, even by one level: restyled, nothing else', async () => {
    const changes = await explain(
      article(),
      article().replace('<button id="save">', '<button id="save" style="background:#2563ec">'),
    );
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      kind: 'restyled',
      selector: '#save',
      rootCause: true,
      properties: [
        { name: 'background-color', before: 'rgb(37, 99, 235)', after: 'rgb(37, 99, 236)' },
      ],
    });
  });

  it('a swapped image, a text of the same width, a hidden element shown, a 1 px shift', async () => {
    const body = (img: string, text: string, shown: boolean, shift: number): string => `
      <img id="logo" src="${img}">
      <p id="price">${text}</p>
      <p id="note" style="display:${shown ? 'block' : 'none'}">Shipping is free</p>
      <button id="buy" style="margin-left:${shift}px">Buy</button>`;
    const base = body(pixel('red'), 'Price 10', false, 0);

    const image = await explain(base, body(pixel('blue'), 'Price 10', false, 0));
    expect(image).toMatchObject([{ kind: 'image', selector: '#logo', rootCause: true }]);

    const text = await explain(base, body(pixel('red'), 'Price 19', false, 0));
    expect(text).toMatchObject([{ kind: 'text', selector: '#price', rootCause: true }]);

    const shown = await explain(base, body(pixel('red'), 'Price 10', true, 0));
    expect(roots(shown)).toMatchObject([{ kind: 'added', selector: '#note' }]);
    expect(shown.filter((c) => c.kind === 'moved')).toMatchObject([
      { selector: '#buy', rootCause: false, causedBy: 0 },
    ]);

    const shifted = await explain(base, body(pixel('red'), 'Price 10', false, 1));
    expect(shifted).toMatchObject([{ kind: 'moved', selector: '#buy', rootCause: true, dx: 1 }]);
  });

  it('credits each change with the changed pixels inside its boxes', () => {
    const element = (y: number) => ({
      selector: '#a',
      tag: 'div',
      parent: -1,
      rect: { x: 0, y, width: 100, height: 10 },
      styles: {},
    });
    const before: LayoutSnapshot = { version: 1, width: 100, height: 100, elements: [element(0)] };
    const after: LayoutSnapshot = { version: 1, width: 100, height: 100, elements: [element(5)] };
    const [moved] = explainChanges(before, after, [{ x: 0, y: 0, width: 100, height: 15 }]);
    // The union of the two boxes (y 0-15) inside the region.
    expect(moved).toMatchObject({ kind: 'moved', dy: 5, pixels: 1500 });
  });

  it('counts the root causes left out of the summary in words that agree with the count', () => {
    const root = (selector: string): Change => ({
      kind: 'text',
      selector,
      rootCause: true,
      pixels: 10,
    });
    expect(summarizeChanges(['#a', '#b', '#c', '#d'].map(root))).toMatch(/; 1 more change$/);
    expect(summarizeChanges(['#a', '#b', '#c', '#d', '#e'].map(root))).toMatch(/; 2 more changes$/);
  });
});
