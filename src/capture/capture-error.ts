import type { CaptureFailureKind, CaptureLogLine } from './capture.types.ts';

export interface CaptureErrorDetails {
  step?: string;
  httpStatus?: number;
  cause?: unknown;
}

/** Why a capture failed, in words a user understands, with a kind the caller can act on. */
export class CaptureError extends Error {
  readonly kind: CaptureFailureKind;
  readonly step?: string;
  readonly httpStatus?: number;
  /** The capture log up to the failure. */
  log: CaptureLogLine[] = [];
  /** Playwright trace zip of the failed capture, when a trace was requested and could be saved. */
  trace?: Buffer;
  /** PNG of the page (its viewport) as it was when the capture failed, when it could be taken. */
  screenshot?: Buffer;

  constructor(kind: CaptureFailureKind, message: string, details: CaptureErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'CaptureError';
    this.kind = kind;
    if (details.step !== undefined) this.step = details.step;
    if (details.httpStatus !== undefined) this.httpStatus = details.httpStatus;
  }
}

const transientPatterns = [
  /target (page, context or browser )?(has been )?closed/i,
  /browser has (been closed|disconnected)/i,
  /browser closed/i,
  /session closed/i,
  /page crashed/i,
  /target crashed/i,
  /connection (reset|closed)/i,
  /ECONNRESET|EPIPE/,
  /websocket/i,
];

/** Browser crashes, closed targets and reset connections: worth a retry with a fresh context. */
export function isTransientFailure(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return transientPatterns.some((pattern) => pattern.test(message));
}

/** The first line of an error message, without Playwright's call log. */
export function shortMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split('\n')[0] ?? message;
  return firstLine.replace(/^[a-zA-Z.]+: /, '').trim();
}
