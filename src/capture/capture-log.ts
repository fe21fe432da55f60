import { nowIso } from '../shared/clock.ts';
import type { CaptureLogLine } from './capture.types.ts';

/** Collects the log of one capture and forwards each line to the caller as it happens. */
export class CaptureLog {
  readonly lines: CaptureLogLine[] = [];
  readonly #onLog: ((line: CaptureLogLine) => void) | undefined;
  readonly #prefix: string;

  constructor(onLog?: (line: CaptureLogLine) => void, prefix = '', lines?: CaptureLogLine[]) {
    this.#onLog = onLog;
    this.#prefix = prefix;
    if (lines) this.lines = lines;
  }

  /** The same log, with every message prefixed (e.g. 'reference: '). */
  withPrefix(prefix: string): CaptureLog {
    return new CaptureLog(this.#onLog, prefix, this.lines);
  }

  info(step: string, message: string, durationMs?: number): void {
    this.#add('info', step, message, durationMs);
  }

  warn(step: string, message: string, durationMs?: number): void {
    this.#add('warn', step, message, durationMs);
  }

  error(step: string, message: string, durationMs?: number): void {
    this.#add('error', step, message, durationMs);
  }

  /** Runs `work` and logs `message` with its duration once it succeeds. */
  async timed<T>(step: string, message: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const result = await work();
    this.info(step, message, elapsedMs(started));
    return result;
  }

  #add(level: CaptureLogLine['level'], step: string, message: string, durationMs?: number): void {
    const line: CaptureLogLine = { at: nowIso(), level, step, message: this.#prefix + message };
    if (durationMs !== undefined) line.durationMs = durationMs;
    this.lines.push(line);
    this.#onLog?.(line);
  }
}

export function elapsedMs(started: number): number {
  return Math.round(performance.now() - started);
}
