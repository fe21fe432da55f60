import type { AppContext } from '../../app-context.ts';
import type { ApiApp } from './api-types.ts';
import { registerAuditRoutes } from './audit.routes.ts';
import { registerProjectRoutes } from './projects.routes.ts';
import { registerWebhookRoutes } from './webhooks.routes.ts';

/** Every REST operation under /api/v1. */
export function registerApiRoutes(app: ApiApp, ctx: AppContext): void {
  registerProjectRoutes(app, ctx);
  registerWebhookRoutes(app, ctx);
  registerAuditRoutes(app, ctx);
}
