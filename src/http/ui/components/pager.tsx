/** Links of a cursor-paginated list (newest first), keeping the current query. */
export function Pager(props: {
  path: string;
  query: Record<string, string | undefined>;
  nextCursor: string | null;
  /** The cursor of the page shown; set when it is not the first page. */
  cursor?: string | undefined;
}) {
  if (!props.nextCursor && !props.cursor) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(props.query)) {
    if (value !== undefined && value !== '' && key !== 'cursor') params.set(key, value);
  }
  const first = params.toString();
  const older = new URLSearchParams(params);
  if (props.nextCursor) older.set('cursor', props.nextCursor);
  return (
    <nav class="pager" aria-label="Pagination">
      {props.cursor && (
        <a class="button" href={first === '' ? props.path : `${props.path}?${first}`}>
          ← Newest
        </a>
      )}
      {props.nextCursor && (
        <a class="button" href={`${props.path}?${older.toString()}`}>
          Older →
        </a>
      )}
    </nav>
  );
}
