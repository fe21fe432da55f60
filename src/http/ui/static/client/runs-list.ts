/**
 * Row selection in the runs list: click or focus selects a row (data-ui-selected, which the
 * live refresh's morph leaves alone), Enter opens it, ↑/↓ move the selection. Should a
 * refresh rebuild the row instead of morphing it, the selection is put back by id.
 */
export function installRunsList(): void {
  let selectedId: string | undefined;

  const select = (row: HTMLElement) => {
    for (const other of document.querySelectorAll<HTMLElement>(
      '[data-run-row][data-ui-selected]',
    )) {
      if (other !== row) delete other.dataset['uiSelected'];
    }
    row.dataset['uiSelected'] = 'true';
    selectedId = row.id;
  };

  document.addEventListener('htmx:after:swap', () => {
    if (selectedId === undefined) return;
    const row = document.getElementById(selectedId);
    if (row && row.dataset['uiSelected'] !== 'true') row.dataset['uiSelected'] = 'true';
  });

  document.addEventListener('click', (event) => {
    const target = event.target as Element | null;
    const row = target?.closest<HTMLElement>('[data-run-row]');
    if (!row) return;
    select(row);
    if (!target?.closest('a, button')) row.focus();
  });

  document.addEventListener('focusin', (event) => {
    const row = (event.target as Element | null)?.closest<HTMLElement>('[data-run-row]');
    if (row) select(row);
  });

  document.addEventListener('keydown', (event) => {
    const row = (event.target as Element | null)?.closest<HTMLElement>('[data-run-row]');
    if (!row || event.target !== row) return;
    if (event.key === 'Enter' && row.dataset['href']) {
      window.location.assign(row.dataset['href']);
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      const sibling =
        event.key === 'ArrowDown' ? row.nextElementSibling : row.previousElementSibling;
      if (sibling instanceof HTMLElement && sibling.matches('[data-run-row]')) {
        event.preventDefault();
        sibling.focus();
      }
    }
  });
}
