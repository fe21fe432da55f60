import type { SwaggerTransformObject } from '@fastify/swagger';
import { z } from 'zod';
import { errorBodySchema, errorResponses } from './api-types.ts';

/**
 * Answers any operation may give whatever it does, added to every operation of the OpenAPI
 * document rather than to each route: the database unreachable (503), and a change that
 * collided with another in the database (409, nothing changed: send it again).
 */
const commonResponses = {
  409: errorResponses[409].description ?? 'Conflict',
  503: 'Unavailable: the database is unreachable; try again once it is back',
};

interface OperationObject {
  responses?: Record<string, unknown>;
}

/** fastify-swagger's transformObject: every operation under `prefix` lists commonResponses. */
export function withCommonResponses(prefix: string): SwaggerTransformObject {
  const schema = z.toJSONSchema(errorBodySchema, { target: 'openapi-3.0' });
  delete (schema as { $schema?: unknown }).$schema;
  return (document) => {
    const doc = 'openapiObject' in document ? document.openapiObject : document.swaggerObject;
    const paths = (doc as { paths?: Record<string, Record<string, OperationObject>> }).paths ?? {};
    for (const [path, operations] of Object.entries(paths)) {
      if (!path.startsWith(prefix)) continue;
      for (const operation of Object.values(operations)) {
        operation.responses ??= {};
        for (const [status, description] of Object.entries(commonResponses)) {
          operation.responses[status] ??= {
            description,
            content: { 'application/json': { schema } },
          };
        }
      }
    }
    return doc;
  };
}
