import type { Children } from '@kitajs/html';
export function EmptyState(props: { title: string; children?: Children }) {
  return (
    <div class="empty-state">
      <p class="empty-title" safe>
        {props.title}
      </p>
      {props.children ?? ''}
    </div>
  );
}
