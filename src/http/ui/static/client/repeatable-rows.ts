/**
 * Editors made of rows (action steps, viewports, cookies): "add" clones the <template>
 * named by data-add-row into the list named by data-rows; "remove" deletes its row.
 */
export function installRepeatableRows(): void {
  document.addEventListener('click', (event) => {
    const target = event.target as Element | null;
    const add = target?.closest<HTMLElement>('[data-add-row]');
    if (add) {
      const template = document.getElementById(add.dataset['addRow'] ?? '');
      const list = document.getElementById(add.dataset['rows'] ?? '');
      if (!(template instanceof HTMLTemplateElement) || !list) return;
      const fragment = template.content.cloneNode(true) as DocumentFragment;
      const row = fragment.firstElementChild;
      // A preset button: the new row's fields get its values (keyed by field name).
      const preset = add.dataset['preset'];
      if (row && preset) {
        for (const [name, value] of Object.entries(JSON.parse(preset) as Record<string, string>)) {
          const field = row.querySelector<HTMLInputElement | HTMLSelectElement>(
            `[name="${CSS.escape(name)}"]`,
          );
          if (field) field.value = value;
        }
      }
      list.append(fragment);
      row?.querySelector<HTMLElement>('select, input')?.focus();
      return;
    }
    const remove = target?.closest('[data-remove-row]');
    if (remove) {
      const row = remove.closest('[data-row]');
      const next = row?.nextElementSibling ?? row?.previousElementSibling;
      row?.remove();
      next?.querySelector<HTMLElement>('select, input')?.focus();
    }
  });
}
