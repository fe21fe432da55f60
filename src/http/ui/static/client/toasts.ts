import { detailOf, onReady } from './htmx-events.ts';

type ToastKind = 'success' | 'error' | 'info';

function dismissLater(toast: HTMLElement, kind: string): void {
  window.setTimeout(() => toast.remove(), kind === 'error' ? 12_000 : 6_000);
}

export function showToast(kind: ToastKind, message: string): void {
  const region = document.getElementById('toasts');
  if (!region) return;
  const toast = document.createElement('div');
  toast.className = `toast toast-${kind}`;
  toast.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  const text = document.createElement('span');
  text.className = 'toast-message';
  text.textContent = message;
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'icon-button';
  close.dataset['dismissToast'] = '';
  close.setAttribute('aria-label', 'Dismiss');
  close.textContent = '×';
  toast.append(text, close);
  region.append(toast);
  dismissLater(toast, kind);
}

export function installToasts(): void {
  document.addEventListener('scene:toast', (event) => {
    const detail = detailOf<{ kind?: ToastKind; message?: string }>(event);
    if (detail?.message) showToast(detail.kind ?? 'info', detail.message);
  });
  document.addEventListener('click', (event) => {
    const button = (event.target as Element | null)?.closest('[data-dismiss-toast]');
    button?.closest('.toast')?.remove();
  });
  onReady(() => {
    for (const toast of document.querySelectorAll<HTMLElement>('#toasts .toast')) {
      dismissLater(toast, toast.classList.contains('toast-error') ? 'error' : 'info');
    }
  });
}
