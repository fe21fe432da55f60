import { pino, type DestinationStream, type Logger } from 'pino';
import { build as prettyStream } from 'pino-pretty';

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

/**
 * A logger writing to `destination`, else to stdout: one JSON object per line (for log
 * collectors, and for tests reading a child process's output) unless stdout is a terminal,
 * where lines are human-readable (pino-pretty, in this thread and synchronous, so that the
 * last lines before an exit are not lost as a transport thread's could be).
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'scene' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: redactedPaths, censor: '[redacted]' },
  };
  if (destination === undefined && process.stdout.isTTY) {
    return pino(
      options,
      prettyStream({
        colorize: true,
        sync: true,
        translateTime: 'SYS:HH:MM:ss.l',
        ignore: 'service',
      }),
    );
  }
  return pino(options, destination);
}
