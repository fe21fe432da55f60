/** "Older" link of a cursor-paginated list, keeping the current query. */
export function Pager(props: {
  path: string;
  query: Record<string, string | undefined>;
  nextCursor: string | null;
}) {
  if (!props.nextCursor) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(props.query)) {
    if (value !== undefined && value !== '' && key !== 'cursor') params.set(key, value);
  }
  params.set('cursor', props.nextCursor);
  return (
    <nav class="pager" aria-label="Pagination">
      <a class="button" href={`${props.path}?${params.toString()}`}>
        Older →
      </a>
    </nav>
  );
}
