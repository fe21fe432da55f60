import type { CDPSession } from 'playwright-core';
import type { ScriptPage } from './capture-page.ts';
import {
  layoutStyleProperties,
  type LayoutElement,
  type LayoutSnapshot,
} from '../shared/layout-snapshot.ts';

// The page's layout at the moment of its screenshot, in one call of Chromium's
// DOMSnapshot.captureSnapshot: every element's box, text, image and the styles that explain its
// rendering (see shared/layout-snapshot.ts). Firefox has no such call over WebDriver BiDi: a
// script walks the page and answers in the same shape, read by the same toLayoutSnapshot.

/** The subset of DOMSnapshot.captureSnapshot's answer read here (CDP, Chromium 110+). */
interface CdpSnapshot {
  documents: Array<{
    nodes: {
      parentIndex?: number[];
      nodeType?: number[];
      nodeName?: number[];
      nodeValue?: number[];
      attributes?: number[][];
      currentSourceURL?: { index: number[]; value: number[] };
    };
    layout: { nodeIndex: number[]; styles: number[][]; bounds: number[][] };
    contentWidth?: number;
    contentHeight?: number;
  }>;
  strings: string[];
}

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const MAX_TEXT = 200;
/** Elements that render nothing of their own worth naming (the page itself, its head). */
const skippedTags = new Set(['html', 'head', 'script', 'style', 'link', 'meta', 'title', 'br']);
/** Initial values left out of `styles`: most elements have them, and they explain nothing. */
const initialValues: Partial<Record<(typeof layoutStyleProperties)[number], string>> = {
  visibility: 'visible',
  opacity: '1',
  'background-color': 'rgba(0, 0, 0, 0)',
  'background-image': 'none',
  'border-top-width': '0px',
  'border-top-style': 'none',
  'border-radius': '0px',
  transform: 'none',
};

/** Takes the snapshot through the page's CDP session (the one the screenshot uses). */
export async function captureLayoutSnapshot(cdp: CDPSession): Promise<LayoutSnapshot> {
  const raw = (await cdp.send('DOMSnapshot.captureSnapshot', {
    computedStyles: [...layoutStyleProperties],
  })) as unknown as CdpSnapshot;
  return toLayoutSnapshot(raw);
}

/**
 * Takes the snapshot with a script in the page (any driver): the main document and its open
 * shadow roots (not iframes), boxes from getBoundingClientRect in document coordinates.
 */
export async function scriptedLayoutSnapshot(page: ScriptPage): Promise<LayoutSnapshot> {
  // As JSON text: WebDriver BiDi would otherwise serialise every number as an object.
  const json = await page.evaluate(domSnapshotInPage, [...layoutStyleProperties]);
  return toLayoutSnapshot(JSON.parse(json) as CdpSnapshot);
}

/**
 * In the page: the document as DOMSnapshot.captureSnapshot answers it (the part read here, as JSON),
 * nodes in document order, an element in `layout` when it has a box. Sent to the page as
 * source: no named inner functions (tsx wraps them in a helper the page does not have).
 */
function domSnapshotInPage(properties: string[]): string {
  // A method, not a function: tsx wraps named functions, never methods.
  const table = {
    strings: [] as string[],
    known: new Map<string, number>(),
    indexes(texts: string[]): number[] {
      return texts.map((text) => {
        let index = this.known.get(text);
        if (index === undefined) {
          index = this.strings.length;
          this.strings.push(text);
          this.known.set(text, index);
        }
        return index;
      });
    },
  };
  const parentIndex: number[] = [];
  const nodeType: number[] = [];
  const nodeName: number[] = [];
  const nodeValue: number[] = [];
  const attributes: number[][] = [];
  const sources = { index: [] as number[], value: [] as number[] };
  const layout = { nodeIndex: [] as number[], styles: [] as number[][], bounds: [] as number[][] };
  const { scrollX, scrollY } = window;
  const pending: [Node, number][] = [[document, -1]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [node, parent] = next;
    const index = nodeType.length;
    const [name = -1, value = -1] = table.indexes([node.nodeName, node.nodeValue ?? '']);
    parentIndex.push(parent);
    nodeType.push(node.nodeType);
    nodeName.push(name);
    nodeValue.push(node.nodeType === Node.TEXT_NODE ? value : -1);
    attributes.push(
      node instanceof Element
        ? table.indexes(Array.from(node.attributes).flatMap((a) => [a.name, a.value]))
        : [],
    );
    if (node instanceof Element && node.getClientRects().length > 0) {
      const box = node.getBoundingClientRect();
      const style = getComputedStyle(node);
      layout.nodeIndex.push(index);
      layout.bounds.push([box.left + scrollX, box.top + scrollY, box.width, box.height]);
      layout.styles.push(
        table.indexes(properties.map((property) => style.getPropertyValue(property))),
      );
      if (node instanceof HTMLImageElement && node.currentSrc) {
        sources.index.push(index);
        sources.value.push(...table.indexes([node.currentSrc]));
      }
    }
    const children: Node[] = Array.from(node.childNodes);
    if (node instanceof Element && node.shadowRoot) children.unshift(node.shadowRoot);
    for (let k = children.length - 1; k >= 0; k--) {
      const child = children[k];
      if (child) pending.push([child, index]);
    }
  }
  const scroller = document.scrollingElement ?? document.documentElement;
  const snapshot: CdpSnapshot = {
    documents: [
      {
        nodes: {
          parentIndex,
          nodeType,
          nodeName,
          nodeValue,
          attributes,
          currentSourceURL: sources,
        },
        layout,
        contentWidth: scroller.scrollWidth,
        contentHeight: scroller.scrollHeight,
      },
    ],
    strings: table.strings,
  };
  return JSON.stringify(snapshot);
}

export function toLayoutSnapshot(raw: CdpSnapshot): LayoutSnapshot {
  const doc = raw.documents[0];
  if (!doc) return { version: 1, width: 0, height: 0, elements: [] };
  const str = (i: number | undefined): string =>
    i === undefined || i < 0 ? '' : (raw.strings[i] ?? '');
  const { nodes, layout } = doc;
  const parents = nodes.parentIndex ?? [];
  const types = nodes.nodeType ?? [];
  const count = types.length;
  const tags = Array.from({ length: count }, (_, i) => str(nodes.nodeName?.[i]).toLowerCase());
  const attributes = (i: number): Map<string, string> => {
    const pairs = nodes.attributes?.[i] ?? [];
    const map = new Map<string, string>();
    for (let k = 0; k + 1 < pairs.length; k += 2) map.set(str(pairs[k]), str(pairs[k + 1]));
    return map;
  };

  // Element children per node (for nth-of-type), own text per element, ids that repeat.
  const children = new Map<number, number[]>();
  const ownText = new Map<number, string>();
  const idCounts = new Map<string, number>();
  const ids: (string | undefined)[] = new Array<string | undefined>(count);
  for (let i = 0; i < count; i++) {
    const parent = parents[i] ?? -1;
    if (types[i] === ELEMENT_NODE) {
      const list = children.get(parent) ?? [];
      list.push(i);
      children.set(parent, list);
      const id = attributes(i).get('id');
      if (id) {
        ids[i] = id;
        idCounts.set(id, (idCounts.get(id) ?? 0) + 1);
      }
    } else if (types[i] === TEXT_NODE && parent >= 0) {
      const text = str(nodes.nodeValue?.[i]).replace(/\s+/g, ' ').trim();
      if (text) ownText.set(parent, `${ownText.get(parent) ?? ''} ${text}`.trim());
    }
  }

  const selectors = new Map<number, string>();
  const selectorOf = (i: number): string => {
    const known = selectors.get(i);
    if (known !== undefined) return known;
    const id = ids[i];
    let selector: string;
    if (id !== undefined && idCounts.get(id) === 1) {
      selector = /^[A-Za-z_][\w-]*$/.test(id) ? `#${id}` : `[id="${id.replace(/"/g, '\\"')}"]`;
    } else {
      const tag = tags[i] ?? '';
      const parent = nearestElement(parents, types, i);
      const siblings = (children.get(parents[i] ?? -1) ?? []).filter((s) => tags[s] === tag);
      const nth = siblings.length > 1 ? `:nth-of-type(${siblings.indexOf(i) + 1})` : '';
      selector =
        parent === -1 || tags[parent] === 'html'
          ? `${tag}${nth}`
          : `${selectorOf(parent)} > ${tag}${nth}`;
    }
    selectors.set(i, selector);
    return selector;
  };

  const sources = new Map<number, string>();
  const rare = nodes.currentSourceURL;
  if (rare) rare.index.forEach((node, k) => sources.set(node, str(rare.value[k])));

  // Layout nodes, in document order of their DOM nodes.
  const boxes = new Map<number, { bounds: number[]; styles: number[] }>();
  layout.nodeIndex.forEach((node, k) => {
    if (types[node] !== ELEMENT_NODE || boxes.has(node)) return;
    boxes.set(node, { bounds: layout.bounds[k] ?? [], styles: layout.styles[k] ?? [] });
  });

  const elements: LayoutElement[] = [];
  const indexOfNode = new Map<number, number>();
  for (const node of [...boxes.keys()].sort((a, b) => a - b)) {
    const tag = tags[node] ?? '';
    if (skippedTags.has(tag)) continue;
    const box = boxes.get(node);
    if (!box) continue;
    const [x = 0, y = 0, width = 0, height = 0] = box.bounds;
    if (width <= 0 || height <= 0) continue;
    const styles: Record<string, string> = {};
    layoutStyleProperties.forEach((name, k) => {
      const value = str(box.styles[k]);
      if (value && value !== initialValues[name]) styles[name] = value;
    });
    if (styles.visibility === 'hidden' || styles.opacity === '0') continue;
    if (styles['border-top-style'] === undefined) delete styles['border-top-color'];
    let parent = -1;
    for (let p = parents[node] ?? -1; p >= 0; p = parents[p] ?? -1) {
      const index = indexOfNode.get(p);
      if (index !== undefined) {
        parent = index;
        break;
      }
    }
    const text = ownText.get(node);
    const image =
      sources.get(node) ??
      (tag === 'img' ? attributes(node).get('src') : undefined) ??
      backgroundUrl(styles['background-image']);
    indexOfNode.set(node, elements.length);
    elements.push({
      selector: selectorOf(node),
      tag,
      parent,
      rect: { x: round(x), y: round(y), width: round(width), height: round(height) },
      ...(text && { text: text.slice(0, MAX_TEXT) }),
      ...(image && { image }),
      styles,
    });
  }
  return {
    version: 1,
    width: round(doc.contentWidth ?? 0),
    height: round(doc.contentHeight ?? 0),
    elements,
  };
}

function nearestElement(parents: number[], types: number[], node: number): number {
  for (let p = parents[node] ?? -1; p >= 0; p = parents[p] ?? -1) {
    if (types[p] === ELEMENT_NODE) return p;
  }
  return -1;
}

function backgroundUrl(value: string | undefined): string | undefined {
  const match = value ? /url\("?([^")]+)"?\)/.exec(value) : null;
  return match?.[1];
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
