import { detailOf, type HtmxConfirmDetail, type HtmxRequestContext } from './htmx-events.ts';

function modal(): HTMLDialogElement | null {
  const element = document.getElementById('modal');
  return element instanceof HTMLDialogElement ? element : null;
}

function focusFirstField(dialog: HTMLDialogElement): void {
  const target =
    dialog.querySelector<HTMLElement>('[aria-invalid="true"]') ??
    dialog.querySelector<HTMLElement>('[autofocus]') ??
    dialog.querySelector<HTMLElement>('input:not([type=hidden]), select, textarea');
  target?.focus();
}

function closeModal(): void {
  const dialog = modal();
  if (dialog?.open) dialog.close();
}

/**
 * Forms load into <dialog id="modal"> and open as a modal dialog (focus trapped, Esc
 * closes); a re-rendered form with errors moves focus to the first invalid field.
 */
export function installModal(): void {
  document.addEventListener('htmx:after:swap', (event) => {
    const dialog = modal();
    const ctx = detailOf<{ ctx?: HtmxRequestContext }>(event)?.ctx;
    if (!dialog || !ctx?.target) return;
    if (ctx.target === dialog || dialog.contains(ctx.target) || !ctx.target.isConnected) {
      if (dialog.childElementCount === 0) return;
      if (!dialog.open) dialog.showModal();
      focusFirstField(dialog);
    }
  });
  document.addEventListener('scene:close-modal', closeModal);
  document.addEventListener('click', (event) => {
    if ((event.target as Element | null)?.closest('[data-close-modal]')) closeModal();
  });
  document.addEventListener(
    'close',
    (event) => {
      const dialog = modal();
      if (event.target === dialog && dialog) dialog.replaceChildren();
    },
    true,
  );
}

/** hx-confirm asks in an accessible dialog instead of window.confirm. */
export function installConfirm(): void {
  document.addEventListener('htmx:confirm', (event) => {
    const detail = detailOf<HtmxConfirmDetail>(event);
    const question = detail?.ctx.confirm;
    const dialog = document.getElementById('confirm-dialog');
    const message = document.getElementById('confirm-message');
    if (!detail || !question || !(dialog instanceof HTMLDialogElement) || !message) return;
    event.preventDefault();
    message.textContent = question;
    const ok = document.getElementById('confirm-ok');
    if (ok)
      ok.textContent = detail.ctx.sourceElement?.getAttribute('data-confirm-label') ?? 'Confirm';
    dialog.returnValue = '';
    dialog.addEventListener(
      'close',
      () => (dialog.returnValue === 'confirm' ? detail.issueRequest() : detail.dropRequest()),
      { once: true },
    );
    dialog.showModal();
  });
}
