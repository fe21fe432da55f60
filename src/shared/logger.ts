import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Keys whose values are secrets: pino replaces them wherever they appear in a log object. */
export const redactedPaths = [
  'password',
  'secret',
  '*.password',
  '*.secret',
  '*.*.password',
  '*.*.secret',
  'basicAuth.password',
  'req.headers.authorization',
  'req.headers.cookie',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'scene' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: redactedPaths, censor: '[redacted]' },
    },
    destination,
  );
}
