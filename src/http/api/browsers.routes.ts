import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import { browserAvailability } from '../../capture/browser-availability.ts';
import type { ApiApp } from './api-types.ts';

const browserSchema = z.object({
  name: z.enum(['chromium', 'firefox', 'webkit']),
  available: z.boolean().describe('Scene can launch it and capture with it on this machine'),
  version: z.string().optional().describe('the installed executable’s version'),
  reason: z.string().optional().describe('why it cannot capture here'),
  install: z.string().optional().describe('the command that installs what is missing'),
});

export function registerBrowserRoutes(app: ApiApp, ctx: AppContext): void {
  app.get('/browsers', {
    schema: {
      tags: ['operations'],
      summary:
        'The browsers Scene supports, whether they can capture on this machine, their versions, and what is missing',
      response: { 200: z.array(browserSchema) },
    },
    handler: () => browserAvailability({ chromiumPath: ctx.config.chromiumPath }),
  });
}
