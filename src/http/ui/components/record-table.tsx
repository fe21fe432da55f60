import type { Children } from '@kitajs/html';

export interface RecordColumn {
  label: string;
  /** Hidden on phone-sized screens. */
  hideNarrow?: boolean;
}

/** The table of a project tab: one row per record, with an actions column last. */
export function RecordTable(props: { columns: RecordColumn[]; children: Children }) {
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            {props.columns.map((column) => (
              <th scope="col" class={column.hideNarrow ? 'hide-narrow' : undefined} safe>
                {column.label}
              </th>
            ))}
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}
