import type { Execution, Run } from '../scene-client.ts';
import { cellName, cellOutcome, formatPercent, isChange, reachesFailOn } from './cells.ts';
import type { CellOutcome, FailOn } from './cells.ts';

/** What every report is made from: the ended run as the API returns it, and where it lives. */
export interface RunReport {
  run: Run;
  executions: Execution[];
  failOn: FailOn;
  /** e.g. "shop/nightly" */
  batchLabel: string;
  runUrl: string;
  executionUrl: (executionId: string) => string;
}

/** The JSON report: the run (with its summary) and its executions exactly as the API returns them. */
export function jsonReport(report: RunReport): string {
  return `${JSON.stringify({ run: report.run, executions: report.executions }, null, 2)}\n`;
}

function xml(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      // characters XML 1.0 cannot carry at all
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
  );
}

function seconds(execution: Execution): string {
  if (!execution.startedAt || !execution.finishedAt) return '0';
  const ms = Date.parse(execution.finishedAt) - Date.parse(execution.startedAt);
  return Math.max(0, ms / 1000).toFixed(3);
}

function changeMessage(execution: Execution, outcome: CellOutcome, url: string): string {
  const what = execution.changeSummary ? `; ${execution.changeSummary}` : '';
  return `${outcome} change: ${formatPercent(execution.diffPercent)} of pixels differ (${execution.diffPixels ?? 0} px)${what}; review: ${url}`;
}

/**
 * JUnit XML: one testsuite for the run, one testcase per cell named `page › task › browser ›
 * viewport`; a `<failure>` for each cell at or above `--fail-on` (percent and viewer URL in the
 * message), an `<error>` for each failed or cancelled execution. New cells and changes below
 * the level pass, with a note in system-out.
 */
export function junitReport(report: RunReport): string {
  const { run, executions, failOn } = report;
  const cases: string[] = [];
  let failures = 0;
  let errors = 0;
  for (const execution of executions) {
    const outcome = cellOutcome(execution, run.mode);
    const url = report.executionUrl(execution.id);
    const attributes = `name="${xml(cellName(execution))}" classname="${xml(`scene.${report.batchLabel}`)}" time="${seconds(execution)}"`;
    let body = '';
    if (reachesFailOn(outcome, failOn)) {
      failures++;
      const message = changeMessage(execution, outcome, url);
      body = `<failure message="${xml(message)}" type="${outcome}">${xml(message)}</failure>`;
    } else if (outcome === 'failed' || outcome === 'cancelled') {
      errors++;
      const why =
        outcome === 'failed'
          ? (execution.error ?? 'the execution failed')
          : `cancelled (${execution.cancelReason ?? 'unknown reason'})`;
      const message = `${why}; details: ${url}`;
      body = `<error message="${xml(message)}" type="${outcome}">${xml(message)}</error>`;
    } else if (outcome === 'pending') {
      body = `<skipped message="not ended when the report was written"/>`;
    } else {
      const note =
        outcome === 'new'
          ? `new: no baseline image yet; approve it to add one: ${url}`
          : isChange(outcome)
            ? changeMessage(execution, outcome, url)
            : `${outcome}: ${url}`;
      body = `<system-out>${xml(note)}</system-out>`;
    }
    cases.push(`    <testcase ${attributes}>${body}</testcase>`);
  }
  const started = run.startedAt ?? run.createdAt;
  const total =
    run.finishedAt && started ? Math.max(0, Date.parse(run.finishedAt) - Date.parse(started)) : 0;
  const time = (total / 1000).toFixed(3);
  const properties = [
    ['run.id', run.id],
    ['run.url', report.runUrl],
    ['run.mode', run.mode],
    ['run.status', run.status],
    ['baseline.id', run.baselineId],
    ['fail-on', failOn],
  ]
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `      <property name="${xml(name)}" value="${xml(value)}"/>`);
  const counts = `tests="${executions.length}" failures="${failures}" errors="${errors}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="scene" ${counts} time="${time}">`,
    `  <testsuite name="${xml(report.batchLabel)}" ${counts} skipped="0" time="${time}" timestamp="${xml(started)}">`,
    '    <properties>',
    ...properties,
    '    </properties>',
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

function markdownCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}

const outcomeLabels: Record<CellOutcome, string> = {
  major: '🔴 major',
  minor: '🟡 minor',
  new: '🆕 new',
  failed: '❌ failed',
  cancelled: '⛔ cancelled',
  pending: '⏳ pending',
  unchanged: '✅ unchanged',
  recorded: '📸 recorded',
};

/** Markdown for a pull-request comment or GitHub's job summary: a verdict, counts, the cells. */
export function markdownReport(report: RunReport): string {
  const { run, executions, failOn } = report;
  const outcomes = executions.map((e) => ({ execution: e, outcome: cellOutcome(e, run.mode) }));
  const failing = outcomes.filter((c) => reachesFailOn(c.outcome, failOn)).length;
  const count = (outcome: CellOutcome) => outcomes.filter((c) => c.outcome === outcome).length;
  let verdict: string;
  if (run.status !== 'finished') verdict = `❌ run ${run.status}`;
  else if (failing > 0) verdict = `❌ ${failing} cell(s) changed at or above "${failOn}"`;
  else if (count('major') + count('minor') > 0) verdict = '⚠️ changes below the fail level';
  else if (run.mode === 'baseline') verdict = '📸 baseline recorded';
  else verdict = '✅ no visual changes';

  const lines = [
    `### Scene: ${markdownCell(report.batchLabel)} — ${verdict}`,
    '',
    `[Run ${run.id}](${report.runUrl}) · ${run.mode} · ${executions.length} cell(s): ` +
      (['major', 'minor', 'new', 'unchanged', 'recorded', 'failed', 'cancelled'] as const)
        .filter((o) => count(o) > 0)
        .map((o) => `${count(o)} ${o}`)
        .join(', '),
    '',
    ...(run.summary.environmentNotice
      ? [`⚠️ ${markdownCell(run.summary.environmentNotice)}`, '']
      : []),
  ];
  const listed = outcomes.filter((c) => c.outcome !== 'unchanged' && c.outcome !== 'recorded');
  if (listed.length > 0) {
    lines.push('| cell | result | diff | |', '|---|---|---|---|');
    for (const { execution, outcome } of listed) {
      const detail =
        outcome === 'failed'
          ? markdownCell(execution.error ?? '')
          : formatPercent(execution.diffPercent) +
            (execution.changeSummary ? ` — ${markdownCell(execution.changeSummary)}` : '');
      lines.push(
        `| ${markdownCell(cellName(execution))} | ${outcomeLabels[outcome]} | ${detail} | [view](${report.executionUrl(execution.id)}) |`,
      );
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}
