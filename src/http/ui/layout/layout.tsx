import type { Children } from '@kitajs/html';
import type { Toast } from '../shared/toast.ts';

export type Section = 'projects' | 'runs' | 'imports' | 'settings' | 'audit' | 'users';

export interface PageContext {
  /** A toast carried over a redirect (flash cookie). */
  flash?: Toast | undefined;
  timestampDisplay: 'utc' | 'local';
  /** The signed-in user (authentication required) and the session's CSRF token. */
  user?: { label: string; csrfToken: string; admin: boolean } | undefined;
}

const sections: { id: Section; label: string; href: string }[] = [
  { id: 'projects', label: 'Projects', href: '/projects' },
  { id: 'runs', label: 'Runs', href: '/runs' },
  { id: 'imports', label: 'Import', href: '/imports' },
  { id: 'settings', label: 'Settings', href: '/settings' },
  { id: 'audit', label: 'Audit log', href: '/audit' },
];

// Inheritance is explicit in htmx 4; morphing leaves `data-ui-*` attributes alone, so
// client-side state such as the selected run survives live updates.
const htmxConfig = JSON.stringify({
  morphIgnore: ['data-htmx-powered', 'data-ui-'],
  defaultSettleDelay: 1,
});

export function ToastView(props: { toast: Toast }) {
  return (
    <div
      class={`toast toast-${props.toast.kind}`}
      role={props.toast.kind === 'error' ? 'alert' : 'status'}
    >
      <span class="toast-message" safe>
        {props.toast.message}
      </span>
      <button type="button" class="icon-button" data-dismiss-toast aria-label="Dismiss">
        ×
      </button>
    </div>
  );
}

/** The HTML document around every screen: navigation, toasts, modal and confirm dialogs. */
export function Layout(props: {
  title: string;
  section?: Section | undefined;
  page: PageContext;
  /** Extra scripts (e.g. the viewer bundle), loaded after htmx. */
  scripts?: string[];
  bodyClass?: string;
  children: Children;
}) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <title safe>{`${props.title} · Scene`}</title>
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/static/app.css" />
        <meta name="htmx-config" content={htmxConfig} />
        {props.page.user ? <meta name="csrf-token" content={props.page.user.csrfToken} /> : ''}
        <script src="/static/app.js" type="module"></script>
        {(props.scripts ?? []).map((src) => (
          <script src={src} type="module"></script>
        ))}
      </head>
      <body data-timestamps={props.page.timestampDisplay} class={props.bodyClass}>
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <header class="topbar">
          <a class="brand" href="/projects" aria-label="Scene home">
            <span class="brand-mark" aria-hidden="true"></span>
            Scene
          </a>
          <nav class="main-nav" aria-label="Main">
            {[
              ...sections,
              ...(props.page.user?.admin
                ? [{ id: 'users' as const, label: 'Users', href: '/users' }]
                : []),
            ].map((section) => (
              <a
                href={section.href}
                aria-current={section.id === props.section ? 'page' : undefined}
                safe
              >
                {section.label}
              </a>
            ))}
          </nav>
          {props.page.user ? (
            <form class="user-menu" method="post" action="/logout">
              <span class="user-label" safe>
                {props.page.user.label}
              </span>
              <input type="hidden" name="_csrf" value={props.page.user.csrfToken} />
              <button type="submit" class="button">
                Log out
              </button>
            </form>
          ) : (
            ''
          )}
        </header>
        <main id="main" tabindex="-1">
          {props.children}
        </main>
        <div id="toasts" class="toasts" aria-live="polite">
          {props.page.flash ? <ToastView toast={props.page.flash} /> : ''}
        </div>
        <dialog id="modal" class="modal" aria-labelledby="modal-title"></dialog>
        <dialog id="confirm-dialog" class="modal confirm" aria-labelledby="confirm-title">
          <form method="dialog" class="modal-form">
            <header class="modal-header">
              <h2 id="confirm-title">Are you sure?</h2>
            </header>
            <div class="modal-body">
              <p id="confirm-message"></p>
            </div>
            <footer class="modal-footer">
              <button type="submit" class="button" value="cancel" autofocus>
                Cancel
              </button>
              <button type="submit" class="button danger" value="confirm" id="confirm-ok">
                Confirm
              </button>
            </footer>
          </form>
        </dialog>
        {/* Not deferred: htmx starts on DOMContentLoaded only while the document is still
            loading, so its SSE extension is always registered before it processes the page. */}
        <script src="/static/htmx.js"></script>
        <script src="/static/hx-sse.js"></script>
      </body>
    </html>
  );
}
