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
  409: errorBodySchema.describe('Conflict: in use or duplicate'),
  422: errorBodySchema.describe('Semantically invalid: e.g. a reference to another project'),
} as const;

export const idParams = z.strictObject({ id: idSchema });
