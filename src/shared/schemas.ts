import { z } from 'zod';
import { actionTypes, takesScript, type CaptureScope } from './domain.ts';

// Input schemas shared by several features; validated at the edge (API and UI forms alike).

export const idSchema = z.string().min(1).max(64);

export const nameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters');

/**
 * An absolute http(s) URL without credentials: a `user:password@` in a URL is a secret that
 * would be returned, logged, audited and recorded in traces like the rest of the URL.
 * `advice` says where the credentials belong instead, where the caller knows.
 */
export function credentialFreeUrlSchema(advice?: string) {
  return z
    .url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL' })
    .max(2048, 'must be at most 2048 characters')
    .refine((value) => !hasUrlCredentials(value), {
      message: `must not contain credentials (user:password@)${advice ? `; ${advice}` : ''}`,
    });
}

export function hasUrlCredentials(value: string): boolean {
  try {
    const url = new URL(value);
    return url.username !== '' || url.password !== '';
  } catch {
    return false;
  }
}

export const httpUrlSchema = credentialFreeUrlSchema();

export const scriptSchema = z.string().max(100_000, 'must be at most 100000 characters');

export const selectorListSchema = z.array(z.string().min(1).max(1000)).max(200);

export const rectSchema = z.strictObject({
  x: z.number().int().min(0),
  y: z.number().int().min(0),
  width: z.number().int().min(1),
  height: z.number().int().min(1),
});

export const actionSchema = z
  .strictObject({
    type: z.enum(actionTypes),
    selector: z.string().min(1).max(1000).optional(),
    value: z.string().max(10_000).optional(),
    ms: z.number().int().min(0).max(600_000).optional(),
    script: scriptSchema.optional(),
  })
  .superRefine((action, ctx) => {
    const needsSelector = [
      'click',
      'hover',
      'type',
      'select',
      'check',
      'waitForSelector',
      'hide',
      'remove',
    ];
    if (needsSelector.includes(action.type) && action.selector === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['selector'],
        message: `a ${action.type} action needs a selector`,
      });
    }
    if (
      ['type', 'press', 'select', 'setCookie', 'setLocalStorage'].includes(action.type) &&
      action.value === undefined
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: `a ${action.type} action needs a value`,
      });
    }
    if (action.type === 'waitForTimeout' && action.ms === undefined) {
      ctx.addIssue({ code: 'custom', path: ['ms'], message: 'a waitForTimeout action needs ms' });
    }
    if (takesScript(action.type) && action.script === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['script'],
        message: `a${action.type === 'evaluate' ? 'n' : ''} ${action.type} action needs a script`,
      });
    }
  });

export const actionListSchema = z.array(actionSchema).max(200);

export const captureScopes = ['fullPage', 'viewport', 'elements'] as const;

/**
 * A page's (or task's) capture scope. Each element selector becomes its own matrix cell (its
 * selector is in the cell's key), so the list must not repeat one.
 */
export const captureScopeSchema = z
  .strictObject({
    scope: z.enum(captureScopes),
    selectors: z
      .array(z.string().trim().min(1, 'must not be empty').max(1000))
      .max(50, 'at most 50 element selectors')
      .optional(),
  })
  .superRefine((capture, ctx) => {
    const selectors = capture.selectors ?? [];
    if (capture.scope === 'elements' && selectors.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['selectors'],
        message: 'the elements scope needs at least one CSS selector (one screenshot per selector)',
      });
    }
    if (capture.scope !== 'elements' && capture.selectors !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['selectors'],
        message: `selectors apply to the elements scope only (scope is ${capture.scope})`,
      });
    }
    const repeated = selectors.filter((s, i) => selectors.indexOf(s) !== i);
    if (repeated.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['selectors'],
        message: `selector(s) listed twice: ${[...new Set(repeated)].join(', ')}`,
      });
    }
  })
  .describe(
    'what is captured: fullPage (default), viewport (what the viewport shows), or elements (one screenshot per CSS selector, each its own cell)',
  ) as unknown as z.ZodType<CaptureScope>;

export const listQuerySchema = z.strictObject({
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
