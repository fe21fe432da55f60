import type { Page } from '../../../pages/page.schema.ts';
import { EmptyState } from '../components/empty-state.tsx';
import { DangerButton, OpenModalButton } from '../components/modal.tsx';
import { EditButton } from '../components/edit-button.tsx';
import { RecordTable } from '../components/record-table.tsx';

function optionsSummary(page: Page): string[] {
  const parts: string[] = [];
  if (page.actions.length > 0)
    parts.push(`${page.actions.length} step${page.actions.length === 1 ? '' : 's'}`);
  if (page.script) parts.push('script');
  if (page.basicAuth) parts.push('basic auth');
  const selectors =
    page.hideSelectors.length + page.removeSelectors.length + page.maskSelectors.length;
  if (selectors > 0)
    parts.push(`${selectors} selector${selectors === 1 ? '' : 's'} hidden/removed/masked`);
  if (page.ignoreRegions.length > 0) parts.push(`${page.ignoreRegions.length} ignored region(s)`);
  if (page.waitMs !== undefined) parts.push(`wait ${page.waitMs} ms`);
  return parts;
}

/** The project's pages (replaced as a whole after each change). */
export function PagesPanel(props: { projectId: string; pages: Page[] }) {
  return (
    <div id="pages-panel">
      <div class="section-header">
        <p class="muted">The URLs Scene captures. Group them in a batch to run them.</p>
        <OpenModalButton href={`/projects/${props.projectId}/pages/new`} label="New page" primary />
      </div>
      {props.pages.length === 0 ? (
        <EmptyState title="No pages yet">
          <p>Add the first URL to capture.</p>
        </EmptyState>
      ) : (
        <RecordTable columns={[{ label: 'Page' }, { label: 'Options', hideNarrow: true }]}>
          {props.pages.map((page) => (
            <tr id={`page-${page.id}`}>
              <td>
                <div class="cell-main" safe>
                  {page.name}
                </div>
                <div class="cell-sub">
                  <a href={page.url} rel="noreferrer" target="_blank" safe>
                    {page.url}
                  </a>
                </div>
                {page.referenceUrl && (
                  <div class="cell-sub">
                    reference:{' '}
                    <a href={page.referenceUrl} rel="noreferrer" target="_blank" safe>
                      {page.referenceUrl}
                    </a>
                  </div>
                )}
              </td>
              <td class="hide-narrow">
                <div class="chips">
                  {optionsSummary(page).length === 0 && (
                    <span class="muted">Captured as loaded, default wait</span>
                  )}
                  {optionsSummary(page).map((part) => (
                    <span class="chip" safe>
                      {part}
                    </span>
                  ))}
                </div>
              </td>
              <td class="actions">
                <EditButton kind="page" id={page.id} label={page.name} />
                <DangerButton
                  small
                  label="Delete"
                  ariaLabel={`Delete page ${page.name}`}
                  href={`/pages/${page.id}`}
                  confirm={`Delete page "${page.name}"? Batches that use it must drop it first.`}
                />
              </td>
            </tr>
          ))}
        </RecordTable>
      )}
    </div>
  );
}
