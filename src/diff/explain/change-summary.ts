import type { Change } from './explain-changes.ts';

/**
 * One line for a list of changes (explainChanges' order): its root causes in words, then the
 * elements they pushed, e.g. `h2#create "Create": font-size 26px → 30px (+4px height); 23
 * elements below moved down 7px`. Empty when nothing changed.
 */
export function summarizeChanges(changes: readonly Change[], maxCauses = 3): string {
  const roots = changes.filter((c) => c.rootCause);
  const parts = roots.slice(0, maxCauses).map((c) => `${c.label ?? c.selector}: ${describe(c)}`);
  const more = roots.length - maxCauses;
  if (more > 0) parts.push(`${more} more change${more === 1 ? '' : 's'}`);
  const moved = changes.filter((c) => !c.rootCause && c.kind === 'moved');
  if (moved.length > 0) {
    const dys = new Set(moved.map((c) => c.dy ?? 0));
    const dxs = new Set(moved.map((c) => c.dx ?? 0));
    const [dy] = dys;
    const [dx] = dxs;
    const how = dys.size === 1 && dxs.size === 1 ? ` ${direction(dx ?? 0, dy ?? 0)}` : '';
    parts.push(
      `${moved.length} element${moved.length === 1 ? '' : 's'} ${roots.length > 0 ? 'below ' : ''}moved${how}`,
    );
  }
  return parts.join('; ');
}

function describe(change: Change): string {
  const size = sizeChange(change);
  switch (change.kind) {
    case 'added':
      return `added (${box(change.after)})`;
    case 'removed':
      return `removed (${box(change.before)})`;
    case 'moved':
      return `moved ${direction(change.dx ?? 0, change.dy ?? 0)}`;
    case 'resized':
      return `resized ${box(change.before)} → ${box(change.after)}`;
    case 'restyled':
      return `${(change.properties ?? [])
        .slice(0, 3)
        .map((p) => `${p.name} ${p.before} → ${p.after}`)
        .join(', ')}${size}`;
    case 'text':
      return `text changed${size}`;
    case 'image':
      return `image changed${size}`;
    case 'pixels':
      return `${change.pixels} pixels changed`;
  }
}

function sizeChange(change: Change): string {
  if (!change.before || !change.after) return '';
  const dh = Math.round(change.after.height - change.before.height);
  const dw = Math.round(change.after.width - change.before.width);
  const parts = [
    ...(dh !== 0 ? [`${dh > 0 ? '+' : ''}${dh}px height`] : []),
    ...(dw !== 0 ? [`${dw > 0 ? '+' : ''}${dw}px width`] : []),
  ];
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

function direction(dx: number, dy: number): string {
  const parts: string[] = [];
  if (dy !== 0) parts.push(`${dy > 0 ? 'down' : 'up'} ${Math.abs(Math.round(dy))}px`);
  if (dx !== 0) parts.push(`${dx > 0 ? 'right' : 'left'} ${Math.abs(Math.round(dx))}px`);
  return parts.join(' and ') || 'in place';
}

function box(rect: { width: number; height: number } | undefined): string {
  return rect ? `${Math.round(rect.width)}×${Math.round(rect.height)}` : '?';
}
