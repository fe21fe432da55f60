/** A unique constraint refused a write (SQLite or Postgres). */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return (
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === '23505'
  );
}

// Connection-level failures: the database is down, restarting or unreachable, so the same
// statement may succeed later. SQLSTATE class 08 is "connection exception"; 57P01-57P03 are the
// server shutting down or starting; 53300 is "too many connections".
const unavailableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  'SQLITE_BUSY',
]);
const unavailableMessages = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Client was closed and is not queryable',
];

/** The database could not be reached or dropped the connection (worth trying again later). */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, errors } = error as {
    code?: unknown;
    message?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string' && (unavailableCodes.has(code) || code.startsWith('08'))) {
    return true;
  }
  if (typeof message === 'string' && unavailableMessages.some((m) => message.includes(m))) {
    return true;
  }
  // Node reports a refused connection to every address of a host as an AggregateError.
  return Array.isArray(errors) && errors.some(isDatabaseUnavailable);
}

/**
 * Postgres gave up on the transaction because of a concurrent one (deadlock 40P01, or a
 * serialization failure 40001): rolled back whole, so the same request may simply be sent again.
 */
export function isConcurrencyFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return code === '40P01' || code === '40001';
}
