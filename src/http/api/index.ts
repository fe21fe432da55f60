import type { AppContext } from '../../app-context.ts';
import type { ApiApp } from './api-types.ts';
import { registerArtifactRoutes } from './artifacts.routes.ts';
import { registerAuditRoutes } from './audit.routes.ts';
import { registerAuthRoutes } from './auth.routes.ts';
import { registerBaselineRoutes } from './baselines.routes.ts';
import { registerBrowserRoutes } from './browsers.routes.ts';
import { registerBatchRoutes } from './batches.routes.ts';
import { registerPageRoutes } from './pages.routes.ts';
import { registerExecutionRoutes } from './executions.routes.ts';
import { registerProjectRoutes } from './projects.routes.ts';
import { registerProjectFileRoutes } from './project-files.routes.ts';
import { registerScheduleRoutes } from './schedules.routes.ts';
import { registerImportRoutes } from './imports.routes.ts';
import { registerRetentionRoutes } from './retention.routes.ts';
import { registerRunEventRoutes } from './run-events.routes.ts';
import { registerRunRoutes } from './runs.routes.ts';
import { registerSettingsRoutes } from './settings.routes.ts';
import { registerTaskRoutes } from './tasks.routes.ts';
import { registerTokenRoutes } from './tokens.routes.ts';
import { registerUserRoutes } from './users.routes.ts';
import { registerVersionRoutes } from './version.routes.ts';
import { registerWebhookRoutes } from './webhooks.routes.ts';

/** Every REST operation under /api/v1. */
export function registerApiRoutes(app: ApiApp, ctx: AppContext): void {
  registerProjectRoutes(app, ctx);
  registerProjectFileRoutes(app, ctx);
  registerScheduleRoutes(app, ctx);
  registerImportRoutes(app, ctx);
  registerPageRoutes(app, ctx);
  registerTaskRoutes(app, ctx);
  registerBatchRoutes(app, ctx);
  registerSettingsRoutes(app, ctx);
  registerWebhookRoutes(app, ctx);
  registerRunRoutes(app, ctx);
  registerRunEventRoutes(app, ctx);
  registerExecutionRoutes(app, ctx);
  registerBaselineRoutes(app, ctx);
  registerArtifactRoutes(app, ctx);
  registerAuditRoutes(app, ctx);
  registerVersionRoutes(app, ctx);
  registerBrowserRoutes(app, ctx);
  registerRetentionRoutes(app, ctx);
  registerAuthRoutes(app, ctx);
  registerTokenRoutes(app, ctx);
  registerUserRoutes(app, ctx);
}
