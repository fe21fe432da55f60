import { z } from 'zod';
import type { Action } from '../shared/domain.ts';
import {
  actionListSchema,
  captureScopeSchema,
  credentialFreeUrlSchema,
  nameSchema,
  rectSchema,
  scriptSchema,
  selectorListSchema,
} from '../shared/schemas.ts';

/**
 * actionListSchema typed as the domain's Action[]. zod infers optional keys as `key?: T | undefined`,
 * which `exactOptionalPropertyTypes` will not assign to `Action`; parsed values never hold an
 * explicit undefined, so the domain type is the honest one. Runtime validation is unchanged.
 */
export const actionsSchema = actionListSchema as unknown as z.ZodType<Action[]>;

export const waitMsSchema = z
  .number()
  .int('must be a whole number of milliseconds')
  .min(0, 'must be between 0 and 60000')
  .max(60_000, 'must be between 0 and 60000');

const usernameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters');
// A basic-auth password may legitimately be empty; it is a secret either way.
const passwordSchema = z.string().max(1000, 'must be at most 1000 characters');

/** The public page: basic-auth credentials appear only as `{username, passwordSet: true}`. */
export const pageSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  name: z.string(),
  url: z.string(),
  referenceUrl: z.string().optional(),
  basicAuth: z
    .object({ username: z.string(), passwordSet: z.literal(true) })
    .optional()
    .describe('HTTP basic-auth credentials; the password is write-only and never returned'),
  actions: actionsSchema,
  script: z.string().optional(),
  hideSelectors: z.array(z.string()),
  removeSelectors: z.array(z.string()),
  maskSelectors: z.array(z.string()),
  ignoreRegions: z.array(rectSchema),
  waitMs: z.number().optional(),
  freezeTime: z
    .boolean()
    .describe(
      'Freeze the page clock, animated images, SVG animations and video/audio (default true; the batch can turn it off for all its pages)',
    ),
  seedRandom: z
    .boolean()
    .describe('Seed Math.random and crypto.getRandomValues per page and viewport (default true)'),
  capture: captureScopeSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Page = z.infer<typeof pageSchema>;

/** What the run engine hands to the capture engine: the page with its password. Never serialised. */
export type PageForCapture = Omit<Page, 'basicAuth'> & {
  basicAuth?: { username: string; password: string };
};

// The UI's page form validates with these schemas too.
const pageUrlSchema = credentialFreeUrlSchema(
  'set them in basicAuth (HTTP basic authentication) instead',
);

const pageFields = {
  name: nameSchema,
  url: pageUrlSchema,
  referenceUrl: pageUrlSchema,
  actions: actionsSchema,
  script: scriptSchema,
  hideSelectors: selectorListSchema,
  removeSelectors: selectorListSchema,
  maskSelectors: selectorListSchema,
  ignoreRegions: z.array(rectSchema).max(200),
  waitMs: waitMsSchema,
  freezeTime: z.boolean(),
  seedRandom: z.boolean(),
  capture: captureScopeSchema,
};

export const createPageSchema = z.strictObject({
  name: pageFields.name,
  url: pageFields.url,
  referenceUrl: pageFields.referenceUrl.optional(),
  basicAuth: z
    .strictObject({ username: usernameSchema, password: passwordSchema })
    .optional()
    .describe('HTTP basic-auth credentials; the password is write-only'),
  actions: pageFields.actions.optional(),
  script: pageFields.script.optional(),
  hideSelectors: pageFields.hideSelectors.optional(),
  removeSelectors: pageFields.removeSelectors.optional(),
  maskSelectors: pageFields.maskSelectors.optional(),
  ignoreRegions: pageFields.ignoreRegions.optional(),
  waitMs: pageFields.waitMs.optional(),
  freezeTime: pageFields.freezeTime
    .optional()
    .describe(
      'false: the page runs in real time (its clock, animated images, media); default true',
    ),
  seedRandom: pageFields.seedRandom
    .optional()
    .describe('false: Math.random and crypto stay unseeded; default true'),
  capture: pageFields.capture.optional(),
});
export type CreatePageInput = z.infer<typeof createPageSchema>;

export const updatePageSchema = z.strictObject({
  name: pageFields.name.optional(),
  url: pageFields.url.optional(),
  referenceUrl: pageFields.referenceUrl.nullable().optional(),
  basicAuth: z
    .strictObject({ username: usernameSchema, password: passwordSchema.optional() })
    .nullable()
    .optional()
    .describe(
      'null removes the credentials; {username} alone keeps the stored password; {username, password} replaces both',
    ),
  actions: pageFields.actions.optional(),
  script: pageFields.script.nullable().optional(),
  hideSelectors: pageFields.hideSelectors.optional(),
  removeSelectors: pageFields.removeSelectors.optional(),
  maskSelectors: pageFields.maskSelectors.optional(),
  ignoreRegions: pageFields.ignoreRegions.optional(),
  waitMs: pageFields.waitMs.nullable().optional(),
  freezeTime: pageFields.freezeTime.optional(),
  seedRandom: pageFields.seedRandom.optional(),
  capture: pageFields.capture.optional(),
});
export type UpdatePageInput = z.infer<typeof updatePageSchema>;
