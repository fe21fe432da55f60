// With authentication required, every state-changing request carries the session's CSRF
// token (from <meta name="csrf-token">): htmx requests as the X-CSRF-Token header, plain
// forms as the _csrf field.

interface HtmxConfigDetail {
  ctx?: { request?: { headers?: Record<string, string> } };
}

function csrfToken(): string | undefined {
  return document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content;
}

export function installCsrf(): void {
  document.addEventListener('htmx:config:request', (event) => {
    const token = csrfToken();
    const headers = (event as CustomEvent<HtmxConfigDetail>).detail.ctx?.request?.headers;
    if (token && headers) headers['X-CSRF-Token'] = token;
  });
  document.addEventListener(
    'submit',
    (event) => {
      const token = csrfToken();
      const form = event.target;
      if (!token || !(form instanceof HTMLFormElement) || form.method.toLowerCase() !== 'post') {
        return;
      }
      if (form.querySelector('input[name="_csrf"]')) return;
      const input = document.createElement('input');
      input.type = 'hidden';
      input.name = '_csrf';
      input.value = token;
      form.append(input);
    },
    true,
  );
}
