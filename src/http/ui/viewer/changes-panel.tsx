import type { Execution } from '../../../runs/run.schema.ts';

type Change = NonNullable<Execution['changes']>[number];

// Issue 15: the viewer's "Changes" panel: the diff in words, root causes first, the elements
// each one pushed grouped under it. Hovering, focusing or selecting a change outlines its
// element on both images (viewer.ts reads data-before / data-after, CSS px).

const kindWords: Record<Change['kind'], string> = {
  added: 'Added',
  removed: 'Removed',
  moved: 'Moved',
  resized: 'Resized',
  restyled: 'Restyled',
  text: 'Text changed',
  image: 'Image changed',
  pixels: 'Pixels changed',
};

function px(value: number): string {
  return `${Math.abs(Math.round(value))} px`;
}

/** "down 7 px and left 2 px". */
export function directionText(dx: number, dy: number): string {
  const parts: string[] = [];
  if (Math.round(dy) !== 0) parts.push(`${dy > 0 ? 'down' : 'up'} ${px(dy)}`);
  if (Math.round(dx) !== 0) parts.push(`${dx > 0 ? 'right' : 'left'} ${px(dx)}`);
  return parts.join(' and ') || 'in place';
}

function size(rect: Change['before']): string {
  return rect ? `${Math.round(rect.width)}×${Math.round(rect.height)}` : '?';
}

/** What happened to the element, in a few words. */
export function changeDetail(change: Change): string {
  switch (change.kind) {
    case 'added':
      return `${size(change.after)} px`;
    case 'removed':
      return `${size(change.before)} px`;
    case 'moved':
      return directionText(change.dx ?? 0, change.dy ?? 0);
    case 'resized':
      return `${size(change.before)} → ${size(change.after)} px`;
    case 'restyled':
      return (change.properties ?? []).map((p) => `${p.name} ${p.before} → ${p.after}`).join('; ');
    case 'text':
    case 'image':
      return change.before && change.after && size(change.before) !== size(change.after)
        ? `${size(change.before)} → ${size(change.after)} px`
        : '';
    case 'pixels':
      return `${change.pixels.toLocaleString('en-US')} px² not explained by an element`;
  }
}

/** "23 elements moved down 7 px" for the changes that followed one root cause. */
export function followersText(followers: readonly Change[]): string {
  const moved = followers.filter((c) => c.kind === 'moved');
  const others = followers.length - moved.length;
  const parts: string[] = [];
  if (moved.length > 0) {
    const offsets = new Set(moved.map((c) => `${c.dx ?? 0},${c.dy ?? 0}`));
    const [first] = moved;
    const how =
      offsets.size === 1 && first ? ` ${directionText(first.dx ?? 0, first.dy ?? 0)}` : '';
    parts.push(`${moved.length} element${moved.length === 1 ? '' : 's'} moved${how}`);
  }
  if (others > 0) parts.push(`${others} container${others === 1 ? '' : 's'} resized with it`);
  return parts.join(', ');
}

function ChangeItem(props: { change: Change; index: number; nested?: boolean }) {
  const { change, index } = props;
  const detail = changeDetail(change);
  return (
    <button
      type="button"
      class={`change-item change-${change.kind}`}
      data-change-index={String(index)}
      data-before={change.before ? JSON.stringify(change.before) : undefined}
      data-after={change.after ? JSON.stringify(change.after) : undefined}
      title={change.selector}
    >
      <span class="change-kind">{props.nested ? '' : kindWords[change.kind]}</span>
      <span class="change-label" safe>
        {change.label ?? change.selector}
      </span>
      {detail && (
        <span class="change-detail" safe>
          {detail}
        </span>
      )}
    </button>
  );
}

export function ChangesPanel(props: { execution: Execution }) {
  const { changes, changeSummary, changedPercent, diffPercent } = props.execution;
  if (!changes) return '';
  const followersOf = new Map<number, { change: Change; index: number }[]>();
  changes.forEach((change, index) => {
    if (change.rootCause || change.causedBy === undefined) return;
    const list = followersOf.get(change.causedBy) ?? [];
    list.push({ change, index });
    followersOf.set(change.causedBy, list);
  });
  const roots = changes
    .map((change, index) => ({ change, index }))
    .filter(({ change }) => change.rootCause || change.causedBy === undefined);
  return (
    <section class="card changes-panel" id="changes" aria-labelledby="changes-title">
      <div class="changes-head">
        <h2 id="changes-title">Changes</h2>
        {changedPercent !== undefined && diffPercent !== undefined && (
          <p class="muted changes-percent">
            {`${changedPercent.toFixed(3)} % changed beyond moves · ${diffPercent.toFixed(3)} % of pixels differ`}
          </p>
        )}
      </div>
      {changeSummary && (
        <p class="change-summary" safe>
          {changeSummary}
        </p>
      )}
      {roots.length === 0 ? (
        <p class="muted">No element changed: the pixels differ without a change in the layout.</p>
      ) : (
        <ol class="change-list">
          {roots.map(({ change, index }) => {
            const followers = followersOf.get(index) ?? [];
            return (
              <li>
                <ChangeItem change={change} index={index} />
                {followers.length > 0 && (
                  <details class="change-followers">
                    <summary safe>{followersText(followers.map((f) => f.change))}</summary>
                    <ul>
                      {followers.map((f) => (
                        <li>
                          <ChangeItem change={f.change} index={f.index} nested />
                        </li>
                      ))}
                    </ul>
                  </details>
                )}
              </li>
            );
          })}
        </ol>
      )}
      <p class="muted changes-help">
        Hover or select a change to outline it: dashed where it was (baseline), solid where it is
        (observed).
      </p>
    </section>
  );
}
