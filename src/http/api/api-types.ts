import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idSchema } from '../../shared/schemas.ts';

export type ApiApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

/** Error responses every operation may give, for the OpenAPI document. */
export const errorResponses = {
  400: errorBodySchema.describe('Validation failed: the message says which field and why'),
  404: errorBodySchema.describe('Not found'),
  409: errorBodySchema.describe(
    'Conflict: in use, a duplicate, or a change that collided with another (nothing was changed; send it again)',
  ),
  422: errorBodySchema.describe('Semantically invalid: e.g. a reference to another project'),
} as const;

export const idParams = z.strictObject({ id: idSchema });

/**
 * The body of an action (cancel, retry, approve, ping, rotate-secret, redeliver): none or `{}`.
 * Anything else is refused (400 naming the fields) rather than ignored, so that a client who
 * believes it passes an option learns that it does not. (Fastify hands a missing body to the
 * validator as null, so JSON `null` reads as no body too.)
 */
export const emptyBodySchema = z.strictObject({}).nullish().describe('No body, or {}');
