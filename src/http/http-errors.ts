import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isConcurrencyFailure, isDatabaseUnavailable, isUniqueViolation } from '../db/errors.ts';
import { AppError, httpStatusOf, type ErrorCode } from '../shared/errors.ts';

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

interface ValidationIssue {
  instancePath?: string;
  message?: string;
}

function describeIssues(
  context: string,
  issues: ValidationIssue[],
): { message: string; details: unknown } {
  const details = issues.map((issue) => ({
    field: issue.instancePath?.replace(/^\//, '').replaceAll('/', '.') || '(root)',
    message: (issue.message ?? 'is not valid').replace(
      /^Unrecognized keys?:/,
      'unknown field(s), remove:',
    ),
  }));
  const where = context === 'body' ? 'request body' : context;
  const message = `invalid ${where}: ${details.map((d) => `${d.field}: ${d.message}`).join('; ')}`;
  return { message, details };
}

/** Maps every error to the documented error body; unknown errors become a logged 500 without internals. */
export function toErrorResponse(
  error: unknown,
  request: FastifyRequest,
): { status: number; body: ErrorBody } {
  if (error instanceof AppError) {
    const body: ErrorBody = { error: { code: error.code, message: error.message } };
    if (error.details !== undefined) body.error.details = error.details;
    return { status: httpStatusOf[error.code], body };
  }
  if (isUniqueViolation(error)) {
    // Two requests raced past the service's duplicate check; the database kept the first.
    return {
      status: 409,
      body: {
        error: { code: 'conflict', message: 'a resource with the same unique name already exists' },
      },
    };
  }
  if (isConcurrencyFailure(error)) {
    // Nothing was changed. Logged as an error all the same: a deadlock means two code paths
    // lock rows in opposite orders, which is worth fixing.
    request.log.error({ err: error }, 'transaction aborted by a concurrent one');
    return {
      status: 409,
      body: {
        error: {
          code: 'conflict',
          message:
            'a concurrent change got in the way and nothing was changed; send the request again',
        },
      },
    };
  }
  if (isDatabaseUnavailable(error)) {
    // An outage, not a bug: the same request succeeds once the database is back.
    request.log.warn({ err: error }, 'database unavailable');
    return {
      status: 503,
      body: {
        error: {
          code: 'unavailable',
          message: 'the database is unreachable; try again once it is back',
        },
      },
    };
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const { message, details } = describeIssues(
      error.validationContext ?? 'request',
      error.validation as ValidationIssue[],
    );
    return { status: 400, body: { error: { code: 'validation_failed', message, details } } };
  }
  const fastifyError = error as Partial<FastifyError>;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return {
        status: 400,
        body: {
          error: {
            code: 'validation_failed',
            message: `request body is not valid JSON: ${fastifyError.message ?? ''}`.trim(),
          },
        },
      };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        status: 413,
        body: {
          error: { code: 'payload_too_large', message: 'request body is too large (limit 1 MiB)' },
        },
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        body: {
          error: {
            code: 'unsupported_media_type',
            message: 'send the request body as application/json',
          },
        },
      };
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return {
        status: 414,
        body: {
          error: {
            code: 'validation_failed',
            message: 'a path segment of this URL is too long (limit 100 characters)',
          },
        },
      };
    case 'FST_ERR_BAD_URL':
      return {
        status: 400,
        body: {
          error: {
            code: 'validation_failed',
            message: 'the URL path is not a valid URL: a percent-encoding in it is malformed',
          },
        },
      };
    default:
      break;
  }
  if (
    typeof fastifyError.statusCode === 'number' &&
    fastifyError.statusCode >= 400 &&
    fastifyError.statusCode < 500
  ) {
    return {
      status: fastifyError.statusCode,
      body: {
        error: { code: 'validation_failed', message: fastifyError.message ?? 'bad request' },
      },
    };
  }
  request.log.error({ err: error }, 'unhandled error');
  return {
    status: 500,
    body: { error: { code: 'internal', message: 'internal error; see the server log' } },
  };
}

export function sendError(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const { status, body } = toErrorResponse(error, request);
  return reply.status(status).send(body);
}
