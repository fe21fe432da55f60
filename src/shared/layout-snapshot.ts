import { gunzipSync, gzipSync } from 'node:zlib';
import type { Rect } from './domain.ts';

/**
 * What a page looked like to its layout engine at the moment of a screenshot: its visible
 * elements' boxes and the few things that explain how they render. Taken by the capture
 * engine beside every screenshot (capture/layout-snapshot.ts); compared by the diff engine to
 * say which element changed and how (diff/explain/).
 */
export interface LayoutSnapshot {
  version: 1;
  /** Size of the page's document, CSS px. */
  width: number;
  height: number;
  /** Visible elements in document order (a parent before its children). */
  elements: LayoutElement[];
}

export interface LayoutElement {
  /** Unique in the page: `#id` where the id is unique, else a short structural path. */
  selector: string;
  /** Lower-case tag name. */
  tag: string;
  /** Index in `elements` of the nearest visible ancestor; -1 for none. */
  parent: number;
  /** Border box in page coordinates (CSS px, the top left of the document at 0,0). */
  rect: Rect;
  /** The element's own text (its text nodes, whitespace collapsed), at most 200 characters. */
  text?: string;
  /** The image it shows: an `<img>`'s current source, or a CSS background image. */
  image?: string;
  /** Computed values of layoutStyleProperties that are not their initial value. */
  styles: Record<string, string>;
}

/** The computed styles a snapshot records: those that explain how an element renders. */
export const layoutStyleProperties = [
  'display',
  'visibility',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'line-height',
  'color',
  'background-color',
  'background-image',
  'border-top-width',
  'border-top-style',
  'border-top-color',
  'border-radius',
  'transform',
] as const;

/** How a snapshot is stored: gzipped JSON. The same snapshot gives the same bytes. */
export function encodeLayoutSnapshot(snapshot: LayoutSnapshot): Buffer {
  return gzipSync(JSON.stringify(snapshot), { level: 6 });
}

/** The stored snapshot, or undefined when the bytes are not one (a later version, damage). */
export function decodeLayoutSnapshot(bytes: Buffer): LayoutSnapshot | undefined {
  try {
    const parsed = JSON.parse(gunzipSync(bytes).toString('utf8')) as Partial<LayoutSnapshot>;
    if (parsed.version !== 1 || !Array.isArray(parsed.elements)) return undefined;
    return parsed as LayoutSnapshot;
  } catch {
    return undefined;
  }
}
