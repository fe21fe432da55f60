import type { Rect } from '../../shared/domain.ts';
import type { LayoutSnapshot } from '../../shared/layout-snapshot.ts';
import { labelOf, type Change } from './explain-changes.ts';

/** Regions of changed pixels listed as `pixels` changes at most. */
const MAX_PIXEL_CHANGES = 20;

/**
 * The changes with `pixels` changes added for the changed pixels that no element change
 * explains (a canvas, a video, a rendering difference): each region of changed pixels (CSS
 * px) that touches no box of a change (see below), named after the
 * smallest observed element around it. They are root causes: inserted after the other root
 * causes, with every `causedBy` renumbered.
 */
export function withPixelChanges(
  changes: readonly Change[],
  regions: readonly Rect[],
  after: LayoutSnapshot,
): Change[] {
  // Where a change is now (unless it only followed another: its pixels should have aligned),
  // and where any change was (a moved element leaves its old place empty).
  const boxes = changes.flatMap((c) =>
    [c.before, c.rootCause || c.kind !== 'moved' ? c.after : undefined].filter(
      (r): r is Rect => r !== undefined,
    ),
  );
  const unexplained = regions
    .filter((region) => !boxes.some((box) => intersects(box, region)))
    .slice(0, MAX_PIXEL_CHANGES);
  if (unexplained.length === 0) return [...changes];
  const added: Change[] = unexplained.map((region) => {
    const around = smallestAround(after, region);
    return {
      kind: 'pixels',
      selector: around?.selector ?? 'html',
      label: around ? labelOf(around) : 'page',
      rootCause: true,
      after: region,
      pixels: Math.round(region.width * region.height),
    };
  });
  const at = changes.filter((c) => c.rootCause).length;
  const shift = (c: Change): Change =>
    c.causedBy !== undefined && c.causedBy >= at
      ? { ...c, causedBy: c.causedBy + added.length }
      : c;
  return [...changes.slice(0, at).map(shift), ...added, ...changes.slice(at).map(shift)];
}

function smallestAround(snapshot: LayoutSnapshot, region: Rect) {
  let best: LayoutSnapshot['elements'][number] | undefined;
  for (const element of snapshot.elements) {
    const r = element.rect;
    const contains =
      r.x <= region.x + 0.5 &&
      r.y <= region.y + 0.5 &&
      r.x + r.width >= region.x + region.width - 0.5 &&
      r.y + r.height >= region.y + region.height - 0.5;
    if (contains && (!best || r.width * r.height <= best.rect.width * best.rect.height)) {
      best = element;
    }
  }
  return best;
}

function intersects(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}
