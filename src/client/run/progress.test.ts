import { describe, expect, it } from 'vitest';
import type { Execution, Run } from '../scene-client.ts';
import { RunProgress } from './progress.ts';

// What `scene run --wait` shows while it waits: in a terminal one live bar (cells done / total,
// changes so far, elapsed) redrawn in place; elsewhere (CI logs) one plain line per finished cell.

const run = { id: 'r1', mode: 'compare', summary: { total: 2 } } as unknown as Run;

function cell(id: string, pageName: string, diffLevel: 'none' | 'major'): Execution {
  return {
    id,
    pageName,
    taskName: null,
    browser: 'chromium',
    viewport: { name: 'desktop' },
    status: 'finished',
    noBaseline: false,
    diffLevel,
    diffPercent: diffLevel === 'major' ? 12.5 : 0,
  } as unknown as Execution;
}

function follow(isTTY: boolean): string {
  let written = '';
  const progress = new RunProgress({ isTTY, columns: 200, write: (text) => (written += text) });
  progress.onEvent({ type: 'snapshot', run, executions: [] });
  progress.onEvent({ type: 'execution', execution: cell('e1', 'Home', 'major') });
  progress.onEvent({ type: 'execution', execution: cell('e2', 'About', 'none') });
  progress.stop();
  return written;
}

describe('scene run progress', () => {
  it('in a terminal, redraws one bar with cells done / total, changes so far and elapsed time', () => {
    const written = follow(true);
    const frames = written.split('\r').filter(Boolean);
    expect(frames.at(-1)).toBe(`${'█'.repeat(30)} 2/2 cells · 1 changed · 0s\u001b[K\n`);
    expect(frames.some((frame) => /^█{15}░{15} 1\/2 cells · 1 changed/.test(frame))).toBe(true);
    expect(written).not.toContain('Home ›');
  });

  it('elsewhere, prints one plain line per finished cell and no bar', () => {
    expect(follow(false)).toBe(
      '[1/2] Home › as loaded › chromium › desktop: major 12.50%\n' +
        '[2/2] About › as loaded › chromium › desktop: unchanged\n',
    );
  });
});
