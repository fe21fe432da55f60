import type { Execution, Run, RunEvent } from '../scene-client.ts';
import { cellName, cellOutcome, formatPercent, isChange } from './cells.ts';

export interface ProgressOutput {
  write(text: string): void;
  /** A terminal: one live bar redrawn in place; otherwise one plain line per finished cell. */
  isTTY: boolean;
  columns?: number;
}

function elapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** Follows a run's events and shows how far it is. */
export class RunProgress {
  readonly #out: ProgressOutput;
  readonly #startedAt = Date.now();
  readonly #ended = new Map<string, Execution>();
  #mode: Run['mode'] = 'compare';
  #total = 0;
  #barShown = false;
  #ticker: NodeJS.Timeout | undefined;

  constructor(out: ProgressOutput) {
    this.#out = out;
    if (out.isTTY) {
      this.#ticker = setInterval(() => this.#drawBar(), 1000);
      this.#ticker.unref();
    }
  }

  onEvent(event: RunEvent): void {
    switch (event.type) {
      case 'snapshot':
        this.#mode = event.run.mode;
        this.#total = event.run.summary.total;
        for (const execution of event.executions) this.#onExecution(execution);
        break;
      case 'run':
      case 'summary':
        this.#total = event.run.summary.total;
        break;
      case 'execution':
        this.#onExecution(event.execution);
        break;
      case 'log':
      case 'deleted':
        return;
    }
    this.#drawBar();
  }

  #onExecution(execution: Execution): void {
    const outcome = cellOutcome(execution, this.#mode);
    if (outcome === 'pending' || this.#ended.has(execution.id)) return;
    this.#ended.set(execution.id, execution);
    if (this.#out.isTTY) return;
    const percent = isChange(outcome) ? ` ${formatPercent(execution.diffPercent)}` : '';
    const error = outcome === 'failed' && execution.error ? `: ${execution.error}` : '';
    this.#out.write(
      `[${this.#ended.size}/${this.#total}] ${cellName(execution)}: ${outcome}${percent}${error}\n`,
    );
  }

  #changes(): number {
    let changes = 0;
    for (const execution of this.#ended.values()) {
      if (isChange(cellOutcome(execution, this.#mode))) changes++;
    }
    return changes;
  }

  #drawBar(): void {
    if (!this.#out.isTTY) return;
    const done = this.#ended.size;
    const total = Math.max(this.#total, done);
    const width = 30;
    const filled = total === 0 ? 0 : Math.round((done / total) * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    const line = `${bar} ${done}/${total} cells · ${this.#changes()} changed · ${elapsed(Date.now() - this.#startedAt)}`;
    this.#out.write(`\r${line.slice(0, (this.#out.columns ?? 120) - 1)}\x1b[K`);
    this.#barShown = true;
  }

  /** Stops the live bar (leaving its last state on its own line). */
  stop(): void {
    if (this.#ticker) clearInterval(this.#ticker);
    if (this.#barShown) this.#out.write('\n');
    this.#barShown = false;
  }
}

/** The closing table of changed cells: page, task, browser, viewport, level, percent. */
export function changedCellsTable(run: Run, executions: Execution[]): string {
  const rows = executions
    .filter((e) => isChange(cellOutcome(e, run.mode)))
    .map((e) => [
      e.pageName,
      e.taskName ?? 'as loaded',
      e.browser,
      e.viewport.name,
      e.diffLevel ?? '',
      formatPercent(e.diffPercent),
    ]);
  if (rows.length === 0) return '';
  const header = ['page', 'task', 'browser', 'viewport', 'level', 'percent'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const format = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [format(header), ...rows.map(format)].join('\n') + '\n';
}
