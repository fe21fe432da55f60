import type { Rect } from '../../shared/domain.ts';
import type { LayoutElement, LayoutSnapshot } from '../../shared/layout-snapshot.ts';
import { matchElements } from './match-elements.ts';

// Which elements changed between two layout snapshots of one page, how, and which changes only
// follow from others (an inserted banner pushes everything below it down): the root causes.

export type ChangeKind =
  'added' | 'removed' | 'moved' | 'resized' | 'restyled' | 'text' | 'image' | 'pixels';

export interface Change {
  kind: ChangeKind;
  /** Unique in its page at capture time (the observed page's, for all but `removed`). */
  selector: string;
  /** Short human name: tag, id, text excerpt. */
  label?: string;
  rootCause: boolean;
  /** Index in the list of the root cause this change follows from. */
  causedBy?: number;
  before?: Rect;
  after?: Rect;
  dx?: number;
  dy?: number;
  properties?: { name: string; before: string; after: string }[];
  /** Changed pixels this change accounts for (inside its boxes). */
  pixels: number;
}

/** Positions closer than this are the same (sub-pixel layout rounding). */
const EPSILON = 0.5;
/** Moved elements listed at most (they are summarised by count anyway). */
const MAX_LISTED_MOVES = 500;

interface Draft {
  kind: ChangeKind;
  element: LayoutElement;
  previous?: LayoutElement;
  /** Index of the element in its snapshot (after; before for removed). */
  index: number;
  rootCause: boolean;
  cause?: Draft;
  properties?: { name: string; before: string; after: string }[];
}

/**
 * The changes from `before` (the baseline's snapshot) to `after` (the observed one), root
 * causes first, then by size. `changedRegions` are the diff's boxes of changed pixels: each
 * change is credited with the changed pixels inside its boxes.
 */
export function explainChanges(
  before: LayoutSnapshot,
  after: LayoutSnapshot,
  changedRegions: readonly Rect[] = [],
): Change[] {
  const pairs = matchElements(before.elements, after.elements);
  const partnerOfAfter = new Map<number, number>();
  const partnerOfBefore = new Map<number, number>();
  for (const [i, j] of pairs) {
    partnerOfAfter.set(j, i);
    partnerOfBefore.set(i, j);
  }

  const drafts: Draft[] = [];
  const draftOfAfter = new Map<number, Draft>();

  // Elements of the observed page, in document order: added, or compared with their partner.
  after.elements.forEach((element, j) => {
    const i = partnerOfAfter.get(j);
    if (i === undefined) {
      // Part of an added ancestor: that one is the change.
      if (element.parent >= 0 && draftOfAfter.get(element.parent)?.kind === 'added') {
        draftOfAfter.set(j, draftOfAfter.get(element.parent) as Draft);
        return;
      }
      const draft: Draft = { kind: 'added', element, index: j, rootCause: true };
      drafts.push(draft);
      draftOfAfter.set(j, draft);
      return;
    }
    const previous = before.elements[i] as LayoutElement;
    const draft = compare(previous, element, j);
    if (draft) {
      drafts.push(draft);
      draftOfAfter.set(j, draft);
    }
  });
  // Elements gone from the observed page (the top one of each removed subtree).
  const removedBefore = new Set<number>();
  before.elements.forEach((element, i) => {
    if (partnerOfBefore.has(i)) return;
    removedBefore.add(i);
    if (element.parent >= 0 && removedBefore.has(element.parent)) return;
    drafts.push({ kind: 'removed', element, index: i, rootCause: true });
  });

  attributeCauses(drafts, after, draftOfAfter);

  const ordered = orderChanges(drafts, changedRegions);
  const listed = ordered.filter(
    (d, k) => d.rootCause || d.kind !== 'moved' || k < MAX_LISTED_MOVES,
  );
  const indexOf = new Map(listed.map((d, k) => [d, k]));
  return listed.map((d) => toChange(d, indexOf, changedRegions));
}

/** What changed in an element that is on both pages; undefined when nothing did. */
function compare(
  previous: LayoutElement,
  element: LayoutElement,
  index: number,
): Draft | undefined {
  const base = { element, previous, index, rootCause: true };
  if ((previous.text ?? '') !== (element.text ?? '')) return { ...base, kind: 'text' };
  if ((previous.image ?? '') !== (element.image ?? '')) return { ...base, kind: 'image' };
  const properties = styleChanges(previous, element);
  if (properties.length > 0) return { ...base, kind: 'restyled', properties };
  const resized =
    Math.abs(previous.rect.width - element.rect.width) > EPSILON ||
    Math.abs(previous.rect.height - element.rect.height) > EPSILON;
  if (resized) return { ...base, kind: 'resized' };
  const moved =
    Math.abs(previous.rect.x - element.rect.x) > EPSILON ||
    Math.abs(previous.rect.y - element.rect.y) > EPSILON;
  return moved ? { ...base, kind: 'moved' } : undefined;
}

function styleChanges(
  previous: LayoutElement,
  element: LayoutElement,
): { name: string; before: string; after: string }[] {
  const names = new Set([...Object.keys(previous.styles), ...Object.keys(element.styles)]);
  const changes: { name: string; before: string; after: string }[] = [];
  for (const name of names) {
    const a = previous.styles[name] ?? '';
    const b = element.styles[name] ?? '';
    if (a !== b) changes.push({ name, before: a || 'initial', after: b || 'initial' });
  }
  return changes;
}

/**
 * Decides which changes follow from others:
 * - a restyle an element inherits (its parent changed the same property the same way);
 * - a resize of an element around a change (a container grows with what it holds);
 * - a move of an element inside a moved one (by the same offset), or below a change that made
 *   room or took it (the nearest one before it in the page with a change of height).
 * A move with no such cause moved by itself: a root cause.
 */
function attributeCauses(
  drafts: Draft[],
  after: LayoutSnapshot,
  draftOfAfter: Map<number, Draft>,
): void {
  const growth: Draft[] = [];
  for (const draft of drafts) {
    if (draft.kind === 'removed') continue;
    const parentDraft = draftOfAfter.get(draft.element.parent);
    if (draft.kind === 'restyled' && parentDraft?.kind === 'restyled') {
      const inherited = draft.properties?.every((p) =>
        parentDraft.properties?.some(
          (q) => q.name === p.name && q.before === p.before && q.after === p.after,
        ),
      );
      if (inherited) {
        draft.rootCause = false;
        draft.cause = rootOf(parentDraft);
      }
    }
  }
  // Containers around a change: resized because of what is inside.
  for (const draft of [...drafts].reverse()) {
    if (draft.kind !== 'resized') continue;
    const inner = drafts.find(
      (d) => d !== draft && d.kind !== 'moved' && d.rootCause && isInside(d, draft, after),
    );
    if (inner) {
      draft.rootCause = false;
      draft.cause = inner;
    }
  }
  // In the order of the baseline page (an added element: where it appeared), top to bottom.
  const topOf = (d: Draft): number => (d.previous ?? d.element).rect.y;
  const inPageOrder = drafts.map((d, k) => ({ d, k }));
  // At the same height, what made or took room comes before what moved (a removed card before
  // the cards of its row that slid into its place).
  const movedLast = (d: Draft): number => (d.kind === 'moved' ? 1 : 0);
  inPageOrder.sort(
    (p, q) => topOf(p.d) - topOf(q.d) || movedLast(p.d) - movedLast(q.d) || p.k - q.k,
  );
  for (const { d: draft } of inPageOrder) {
    if (draft.kind === 'removed') {
      growth.push(draft);
      continue;
    }
    if (draft.kind !== 'moved') {
      if (heightDelta(draft) !== 0 && draft.rootCause) growth.push(draft);
      continue;
    }
    const offset = offsetOf(draft);
    const parentDraft = draftOfAfter.get(draft.element.parent);
    if (parentDraft?.kind === 'moved' && sameOffset(offsetOf(parentDraft), offset)) {
      draft.rootCause = false;
      draft.cause = rootOf(parentDraft);
      continue;
    }
    const cause = [...growth].reverse().find((g) => !isAncestor(g, draft, after));
    if (cause) {
      draft.rootCause = false;
      draft.cause = rootOf(cause);
    }
  }
}

function rootOf(draft: Draft): Draft {
  let current = draft;
  while (!current.rootCause && current.cause) current = current.cause;
  return current;
}

function isInside(inner: Draft, outer: Draft, after: LayoutSnapshot): boolean {
  if (inner.kind === 'removed') {
    const a = inner.element.rect;
    const b = outer.previous?.rect ?? outer.element.rect;
    return (
      a.x >= b.x - EPSILON && a.y >= b.y - EPSILON && a.y + a.height <= b.y + b.height + EPSILON
    );
  }
  return isAncestor(outer, inner, after);
}

/** Whether `outer`'s element is an ancestor of `inner`'s in the observed page. */
function isAncestor(outer: Draft, inner: Draft, after: LayoutSnapshot): boolean {
  if (outer.kind === 'removed' || inner.kind === 'removed') return false;
  for (let p = inner.element.parent; p >= 0; p = after.elements[p]?.parent ?? -1) {
    if (p === outer.index) return true;
  }
  return false;
}

function heightDelta(draft: Draft): number {
  switch (draft.kind) {
    case 'added':
      return draft.element.rect.height;
    case 'removed':
      return -draft.element.rect.height;
    default:
      return draft.previous ? draft.element.rect.height - draft.previous.rect.height : 0;
  }
}

function offsetOf(draft: Draft): { dx: number; dy: number } {
  const previous = draft.previous?.rect ?? draft.element.rect;
  return {
    dx: round(draft.element.rect.x - previous.x),
    dy: round(draft.element.rect.y - previous.y),
  };
}

function sameOffset(a: { dx: number; dy: number }, b: { dx: number; dy: number }): boolean {
  return Math.abs(a.dx - b.dx) <= EPSILON && Math.abs(a.dy - b.dy) <= EPSILON;
}

function orderChanges(drafts: Draft[], regions: readonly Rect[]): Draft[] {
  const weight = new Map(
    drafts.map((d) => [d, pixelsOf(d, regions) || area(d.element.rect) / 1e6]),
  );
  return [...drafts].sort((a, b) => {
    if (a.rootCause !== b.rootCause) return a.rootCause ? -1 : 1;
    return (weight.get(b) ?? 0) - (weight.get(a) ?? 0);
  });
}

function toChange(d: Draft, indexOf: Map<Draft, number>, regions: readonly Rect[]): Change {
  const cause = d.cause ? indexOf.get(d.cause) : undefined;
  const offset = d.previous ? offsetOf(d) : undefined;
  const before = d.kind === 'removed' ? d.element.rect : d.previous?.rect;
  const afterRect = d.kind === 'removed' ? undefined : d.element.rect;
  return {
    kind: d.kind,
    selector: d.element.selector,
    label: labelOf(d.element),
    rootCause: d.rootCause,
    ...(cause !== undefined && { causedBy: cause }),
    ...(before && { before }),
    ...(afterRect && { after: afterRect }),
    ...(offset && (offset.dx !== 0 || offset.dy !== 0) && { dx: offset.dx, dy: offset.dy }),
    ...(d.properties && { properties: d.properties }),
    pixels: pixelsOf(d, regions),
  };
}

/** Changed pixels inside the change's boxes (before and after), at most once each. */
function pixelsOf(d: Draft, regions: readonly Rect[]): number {
  const boxes = [d.element.rect, ...(d.previous ? [d.previous.rect] : [])];
  let total = 0;
  for (const region of regions) {
    const overlaps = boxes.map((box) => intersection(box, region)).filter((r) => r !== undefined);
    const [first, second] = overlaps;
    if (!first) continue;
    const both = second ? intersection(first, second) : undefined;
    total += area(first) + (second ? area(second) : 0) - (both ? area(both) : 0);
  }
  return Math.round(total);
}

function intersection(a: Rect, b: Rect): Rect | undefined {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const right = Math.min(a.x + a.width, b.x + b.width);
  const bottom = Math.min(a.y + a.height, b.y + b.height);
  return right > x && bottom > y ? { x, y, width: right - x, height: bottom - y } : undefined;
}

function area(r: Rect): number {
  return r.width * r.height;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** `h2#create "Create a project"`: the tag, the id or last step of the selector, some text. */
export function labelOf(element: LayoutElement): string {
  const id = /^#([\w-]+)$/.exec(element.selector)?.[1];
  const name = id ? `${element.tag}#${id}` : element.tag;
  const text = element.text ? ` "${excerpt(element.text, 30)}"` : '';
  return `${name}${text}`;
}

function excerpt(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
