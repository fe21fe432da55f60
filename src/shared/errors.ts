/** The one error type of Scene: a closed set of codes, each with its HTTP status (mapped in http/). */
export type ErrorCode =
  | 'validation_failed'
  | 'unauthorized'
  | 'forbidden'
  | 'too_many_requests'
  | 'not_found'
  | 'conflict'
  | 'unprocessable'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unavailable'
  | 'internal';

export const httpStatusOf: Record<ErrorCode, number> = {
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  too_many_requests: 429,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unavailable: 503,
  internal: 500,
};

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
}

export function notFound(entity: string, id: string): AppError {
  return new AppError('not_found', `${entity} '${id}' does not exist`);
}

export function conflict(message: string, details?: unknown): AppError {
  return new AppError('conflict', message, details);
}

export function unprocessable(message: string, details?: unknown): AppError {
  return new AppError('unprocessable', message, details);
}

/** Replaces the non-null assertion: fails loudly with a message when an assumption breaks. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AppError('internal', `invariant failed: ${message}`);
}
