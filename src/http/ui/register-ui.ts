/**
 * The web UI: server-rendered HTML (type-checked JSX with @kitajs/html) enhanced with htmx 4.
 * It calls the same service functions as the REST API and validates forms with the same zod
 * schemas; it never talks to the database itself.
 *
 * Adding a screen:
 * 1. Create a folder under src/http/ui/ named after the screen (e.g. webhooks/) with
 *    `<screen>.routes.tsx` exporting `register<Screen>Screens(app: UiApp, ctx: AppContext)`,
 *    and one small .tsx module per view (list, form, row...).
 * 2. Call it from registerUi below.
 * 3. Full pages: `sendPage(reply, <Layout>...)`, or `<ProjectShell tab=...>` for a project
 *    tab (layout/project-shell.tsx lists the tabs). Build the page context with
 *    `pageContextOf(request, reply, ctx)` (flash toast, timestamp display).
 * 4. Forms: a `<ModalForm>` (components/modal.tsx) loaded into #modal by an
 *    `<OpenModalButton>`. On submit: read fields with shared/form-data.ts, validate with the
 *    feature's zod schema (`validateForm`), call the service through `attempt()`; on errors
 *    re-render the form with `errors` and status 422 (errors appear at their field); on
 *    success either `redirectWithToast()` or answer a fragment plus `showToast()` and
 *    `closeModal()` (shared/toast.ts).
 * 5. Destructive actions: `<DangerButton confirm="...">` (an accessible confirm dialog).
 * 6. Render user text with the `safe` attribute (or escapeHtml); timestamps with `<Time>`.
 * 7. Errors thrown by services become an error page, or a toast for htmx requests.
 * 8. Browser code goes in static/client/ (TypeScript, bundled by esbuild on first request);
 *    styles in static/app.css.
 */
import formBody from '@fastify/formbody';
import type { AppContext } from '../../app-context.ts';
import { registerAuditScreens } from './audit/audit.routes.tsx';
import { registerBaselineScreens } from './baselines/baselines.routes.tsx';
import { registerLoginScreens } from './auth/login.routes.tsx';
import { registerOidcScreens } from './auth/oidc.routes.tsx';
import { uiErrorHandler } from './layout/error-page.tsx';
import { registerMissingProjectTabs } from './layout/tab-placeholder.tsx';
import { registerBatchScreens } from './batches/batches.routes.tsx';
import { registerImportScreens } from './imports/imports.routes.tsx';
import { registerScheduleScreens } from './schedules/schedules.routes.tsx';
import { registerPageScreens } from './pages/pages.routes.tsx';
import { registerProjectScreens } from './projects/projects.routes.tsx';
import { registerRunDetailScreens } from './run-detail/run-detail.routes.tsx';
import { registerRunScreens } from './runs/runs.routes.tsx';
import { registerSettingsScreens } from './settings/settings.routes.tsx';
import { registerTaskScreens } from './tasks/tasks.routes.tsx';
import { registerUserScreens } from './users/users.routes.tsx';
import type { UiApp } from './shared/ui-types.ts';
import { registerTraceViewer } from './trace-viewer/trace-viewer.routes.ts';
import { registerViewerScreens } from './viewer/viewer.routes.tsx';
import { registerWebhookScreens } from './webhooks/webhooks.routes.tsx';
import { registerStaticAssets } from './static/static.routes.ts';

export async function registerUi(app: UiApp, ctx: AppContext): Promise<void> {
  // Encapsulated: form bodies and HTML error pages apply to UI routes only, not to /api/v1.
  await app.register(async (ui) => {
    await ui.register(formBody);
    ui.setErrorHandler(uiErrorHandler(ctx));
    registerStaticAssets(ui);
    registerLoginScreens(ui, ctx);
    registerOidcScreens(ui, ctx);
    registerProjectScreens(ui, ctx);
    registerPageScreens(ui, ctx);
    registerTaskScreens(ui, ctx);
    registerBatchScreens(ui, ctx);
    registerScheduleScreens(ui, ctx);
    registerRunScreens(ui, ctx);
    registerRunDetailScreens(ui, ctx);
    registerViewerScreens(ui, ctx);
    registerBaselineScreens(ui, ctx);
    registerTraceViewer(ui);
    registerSettingsScreens(ui, ctx);
    registerAuditScreens(ui, ctx);
    registerWebhookScreens(ui, ctx);
    registerImportScreens(ui, ctx);
    registerUserScreens(ui, ctx);
    // Last: fills the project tabs no screen above registered.
    registerMissingProjectTabs(ui, ctx);
  });
}
