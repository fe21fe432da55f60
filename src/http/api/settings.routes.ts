import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import {
  projectSettingsSchema,
  settingsPatchSchema,
  settingsSchema,
  viewportSchema,
} from '../../settings/settings.schema.ts';
import { viewportPresets } from '../../settings/viewport-presets.ts';
import {
  getGlobalSettings,
  getProjectSettings,
  updateGlobalSettings,
  updateProjectSettings,
} from '../../settings/settings.service.ts';
import { actorOf } from '../actor.ts';
import { errorResponses, idParams, type ApiApp } from './api-types.ts';

const inUse = errorResponses[409].describe(
  'A browser or viewport being removed is used by batches (named in the message and details)',
);

export function registerSettingsRoutes(app: ApiApp, ctx: AppContext): void {
  const tags = ['settings'];

  app.get('/settings', {
    schema: {
      tags,
      summary: 'Global settings (built-in defaults where not set)',
      response: { 200: settingsSchema },
    },
    handler: () => getGlobalSettings(ctx.db),
  });

  app.get('/viewport-presets', {
    schema: {
      tags,
      summary:
        'Named device viewports (iPhone-, Pixel-, iPad-sized, desktop HD) to add to the settings as they are',
      response: { 200: z.array(viewportSchema) },
    },
    handler: () => [...viewportPresets],
  });

  app.patch('/settings', {
    schema: {
      tags,
      summary: 'Change global settings: keys sent replace their value, null restores the default',
      body: settingsPatchSchema,
      response: { 200: settingsSchema, 400: errorResponses[400], 409: inUse },
    },
    handler: (request) => updateGlobalSettings(ctx, request.body, actorOf(request)),
  });

  app.get('/projects/:id/settings', {
    schema: {
      tags,
      summary: "A project's effective settings: the global settings with its overrides",
      params: idParams,
      response: { 200: projectSettingsSchema, 404: errorResponses[404] },
    },
    handler: (request) => getProjectSettings(ctx.db, request.params.id),
  });

  app.patch('/projects/:id/settings', {
    schema: {
      tags,
      summary:
        "Change a project's overrides: keys sent override the global value, null removes the override",
      params: idParams,
      body: settingsPatchSchema,
      response: {
        200: projectSettingsSchema,
        400: errorResponses[400],
        404: errorResponses[404],
        409: inUse,
      },
    },
    handler: (request) =>
      updateProjectSettings(ctx, request.params.id, request.body, actorOf(request)),
  });
}
