import { z } from 'zod';
import type { Cookie } from '../shared/domain.ts';

import type { Viewport } from '../shared/domain.ts';

export type { Viewport };

export const browserNames = ['chromium', 'firefox', 'webkit'] as const;
export type BrowserName = (typeof browserNames)[number];

function uniqueBy<T>(key: (item: T) => string, what: string) {
  return (items: T[], ctx: z.RefinementCtx) => {
    const seen = new Set<string>();
    for (const item of items) {
      const k = key(item);
      if (seen.has(k)) ctx.addIssue({ code: 'custom', message: `${what} '${k}' appears twice` });
      seen.add(k);
    }
  };
}

const pixels = (what: string) =>
  z
    .number()
    .int(`${what} must be a whole number of pixels`)
    .min(100, `${what} must be between 100 and 10000`)
    .max(10_000, `${what} must be between 100 and 10000`);

/** Printable ASCII only: a header value with control characters would be refused (or split). */
const userAgentPattern = /^[\x20-\x7e]+$/;

export const viewportSchema = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(50, 'must be at most 50 characters'),
  width: pixels('width'),
  height: pixels('height'),
  deviceScaleFactor: z
    .union([z.literal(1), z.literal(2), z.literal(3)], {
      error: 'deviceScaleFactor must be 1, 2 or 3',
    })
    .optional()
    .describe('Device pixels per CSS pixel: screenshots are this many times the CSS size'),
  isMobile: z.boolean().optional().describe('Mobile mode (meta viewport honoured)'),
  hasTouch: z.boolean().optional().describe('Touch events and (pointer: coarse)'),
  userAgent: z
    .string()
    .trim()
    .min(1, 'userAgent must not be empty (leave it out for the browser’s own)')
    .max(500, 'userAgent must be at most 500 characters')
    .regex(userAgentPattern, 'userAgent must be printable ASCII on one line')
    .optional()
    .describe('User-Agent header and navigator.userAgent; default: the browser’s own'),
  // Typed as the domain's Viewport, like cookieSchema below (exactOptionalPropertyTypes).
}) as unknown as z.ZodType<Viewport>;

// The cookie grammar of RFC 6265 (section 4.1.1). Cookies are preset in every capture of every
// project, so one that Chromium refuses (`Storage.setCookies: Invalid cookie fields`) would fail
// them all: they are checked when saved instead.
/** token: visible ASCII except the separators ()<>@,;:\"/[]?={} and spaces. */
const cookieNamePattern = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** cookie-octet: visible ASCII except " , ; \ (and spaces); optionally all in double quotes. */
const cookieValuePattern =
  /^(?:[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*|"[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*")$/;
/** Host name labels (letters, digits, - and _; no - at either end), optional leading dot. */
const cookieDomainPattern =
  /^\.?[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/i;
/** `/` then any visible ASCII or space but `;`. */
const cookiePathPattern = /^\/[\x20-\x3a\x3c-\x7e]*$/;

// Typed as the domain's Cookie: zod infers `domain?: string | undefined`, which
// exactOptionalPropertyTypes will not assign to it; parsed values never hold explicit undefined.
const cookieSchema = z.strictObject({
  name: z
    .string()
    .min(1, 'must not be empty')
    .max(200)
    .regex(
      cookieNamePattern,
      "must be a cookie name token: letters, digits and !#$%&'*+-.^_`|~ only (no spaces, =, ; or other separators)",
    ),
  value: z
    .string()
    .max(4096)
    .regex(
      cookieValuePattern,
      'must be cookie-octets: visible ASCII without spaces, ", comma, ; or \\ (URL-encode anything else), optionally in double quotes',
    ),
  domain: z
    .string()
    .min(1)
    .max(253)
    .regex(cookieDomainPattern, 'must be a domain name such as example.com or .example.com')
    .optional(),
  path: z
    .string()
    .min(1)
    .max(1000)
    .regex(
      cookiePathPattern,
      'must start with / and contain no ;, line breaks or control characters',
    )
    .optional(),
}) as unknown as z.ZodType<Cookie>;

const wholeNumber = (min: number, max: number, unit: string) =>
  z
    .number()
    .int(`must be a whole number of ${unit}`)
    .min(min, `must be between ${min} and ${max}`)
    .max(max, `must be between ${min} and ${max}`);

/** Each setting with its validation; shared by the full shape and by patches. */
const fields = {
  browsers: z
    .array(z.enum(browserNames))
    .min(1, 'needs at least one browser')
    .superRefine(uniqueBy((b) => b, 'browser')),
  viewports: z
    .array(viewportSchema)
    .min(1, 'needs at least one viewport')
    .max(50)
    .superRefine(uniqueBy((v) => v.name, 'viewport name')),
  maxConcurrentExecutions: wholeNumber(1, 32, 'executions'),
  executionTimeoutSeconds: wholeNumber(1, 3600, 'seconds'),
  runTimeoutSeconds: wholeNumber(10, 86_400, 'seconds'),
  defaultWaitMs: wholeNumber(0, 60_000, 'milliseconds'),
  suppressAnimations: z.boolean(),
  hideCaret: z.boolean(),
  cookieBanner: z.strictObject({
    removeSelectors: z.array(z.string().min(1).max(1000)).max(200),
    cookies: z.array(cookieSchema).max(100),
  }),
  timestampDisplay: z.enum(['utc', 'local']),
  confirmChanges: z
    .boolean()
    .describe(
      'When a compare finds a diff, capture the cell once more in a fresh context: pixels that differ between the two captures are unstable, reported as level none with unstable: true, never minor or major (default true)',
    ),
  // Off by default: a key left out keeps runs forever by that measure. Both set: a run goes
  // once neither keeps it (older than keepDays and not among its batch's last runs).
  retention: z
    .strictObject({
      keepDays: wholeNumber(1, 36_500, 'days')
        .optional()
        .describe('Keep runs created in the last this many days'),
      keepLastRunsPerBatch: wholeNumber(1, 100_000, 'runs')
        .optional()
        .describe("Keep each batch's this many most recent runs"),
    })
    .describe(
      'Which ended runs retention keeps; baselines and the images they use are always kept',
    ),
};

export const settingsSchema = z.object(fields);
export type Settings = z.infer<typeof settingsSchema>;
export type SettingsKey = keyof Settings;
export const settingsKeys = Object.keys(fields) as SettingsKey[];

/** Stored per project: only the keys it overrides. */
export type SettingsOverrides = Partial<Settings>;

/** Built-in values; mergeSettings copies them, so callers never share (or mutate) this object. */
export const defaultSettings: Settings = {
  browsers: ['chromium'],
  viewports: [
    { name: 'desktop', width: 1280, height: 800 },
    { name: 'mobile', width: 390, height: 844 },
  ],
  maxConcurrentExecutions: 4,
  executionTimeoutSeconds: 60,
  runTimeoutSeconds: 3600,
  defaultWaitMs: 0,
  suppressAnimations: true,
  hideCaret: true,
  cookieBanner: { removeSelectors: [], cookies: [] },
  timestampDisplay: 'utc',
  confirmChanges: true,
  retention: {},
};

/** A change to settings: a key set to a value replaces it, `null` removes it (back to the inherited value). */
export const settingsPatchSchema = z.strictObject({
  browsers: fields.browsers.nullable().optional(),
  viewports: fields.viewports.nullable().optional(),
  maxConcurrentExecutions: fields.maxConcurrentExecutions.nullable().optional(),
  executionTimeoutSeconds: fields.executionTimeoutSeconds.nullable().optional(),
  runTimeoutSeconds: fields.runTimeoutSeconds.nullable().optional(),
  defaultWaitMs: fields.defaultWaitMs.nullable().optional(),
  suppressAnimations: fields.suppressAnimations.nullable().optional(),
  hideCaret: fields.hideCaret.nullable().optional(),
  cookieBanner: fields.cookieBanner.nullable().optional(),
  timestampDisplay: fields.timestampDisplay.nullable().optional(),
  confirmChanges: fields.confirmChanges.nullable().optional(),
  retention: fields.retention.nullable().optional(),
});
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

export const projectSettingsSchema = settingsSchema.extend({
  overriddenKeys: z
    .array(z.enum(settingsKeys as [SettingsKey, ...SettingsKey[]]))
    .describe('Keys this project overrides; the others come from the global settings'),
});
export type ProjectSettings = z.infer<typeof projectSettingsSchema>;
