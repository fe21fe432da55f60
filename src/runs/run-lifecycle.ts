import type { AppContext } from '../app-context.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Actor } from '../audit/audit.types.ts';
import type { Conn } from '../db/connect.ts';
import type { Transaction } from 'kysely';
import type { Database } from '../db/database.ts';
import { nowIso } from '../shared/clock.ts';
import type { RunStatus } from '../shared/domain.ts';
import { invariant, notFound } from '../shared/errors.ts';
import { recordWebhookEvent } from '../webhooks/outbox.ts';
import type { WebhookEventType } from '../webhooks/webhook-events.ts';
import {
  findExecution,
  listExecutionsOfRun,
  type ExecutionRecord,
} from './executions.repository.ts';
import { insertRunLogLines } from './run-log.repository.ts';
import { absoluteUrls, executionLinks, runLinks } from './run-links.ts';
import type { NewRunLogLine } from './run.schema.ts';
import { deriveRunStatus } from './run-summary.ts';
import { toExecutions, toRuns } from './run-views.ts';
import {
  countRunExecutions,
  findRun,
  findRunLocking,
  lockRunRow,
  updateRunState,
  type RunRecord,
} from './runs.repository.ts';

/** Take first in any transaction that changes a run's executions (see lockRunRow). */
export const lockRun = lockRunRow;

/** The execution as it is once its run is locked (read again: it may have changed meanwhile). */
export async function findExecutionLockingRun(
  trx: Conn,
  executionId: string,
): Promise<ExecutionRecord | undefined> {
  const execution = await findExecution(trx, executionId);
  if (!execution) return undefined;
  await lockRunRow(trx, execution.runId);
  return findExecution(trx, executionId);
}

/** The execution and its run, without locking (what a locking read would see, or older). */
export async function findExecutionAndRun(
  trx: Conn,
  executionId: string,
): Promise<{ execution: ExecutionRecord; run: RunRecord } | undefined> {
  const execution = await findExecution(trx, executionId);
  const run = execution && (await findRun(trx, execution.runId));
  return execution && run && { execution, run };
}

/** findExecutionLockingRun, with the run it locked (read in the same query as the lock). */
export async function findExecutionAndRunLocking(
  trx: Conn,
  executionId: string,
): Promise<{ execution: ExecutionRecord; run: RunRecord } | undefined> {
  const first = await findExecution(trx, executionId);
  if (!first) return undefined;
  const run = await findRunLocking(trx, first.runId);
  const execution = run && (await findExecution(trx, executionId));
  return run && execution && { execution, run };
}

/** findExecutionAndRunLocking for a request about one execution: not found when it is gone. */
export async function getExecutionAndRunLocking(
  trx: Conn,
  executionId: string,
): Promise<{ execution: ExecutionRecord; run: RunRecord }> {
  const found = await findExecutionAndRunLocking(trx, executionId);
  if (!found) throw notFound('execution', executionId);
  return found;
}

/** The audit entry of a user's change to a run: its status and cancel reason, before and after. */
export async function auditRunUpdate(
  trx: Conn,
  actor: Actor,
  before: RunRecord,
  after: RunRecord,
  more: Record<string, unknown> = {},
): Promise<void> {
  await recordAudit(trx, {
    actor,
    action: 'update',
    entityType: 'run',
    entityId: before.id,
    projectId: before.projectId,
    before: { status: before.status, cancelReason: before.cancelReason },
    after: { status: after.status, cancelReason: after.cancelReason, ...more },
  });
}

/** The audit entry of a user's change to one execution of the run. */
export async function auditExecutionUpdate(
  trx: Conn,
  actor: Actor,
  run: RunRecord,
  executionId: string,
  change: { before: Record<string, unknown>; after: Record<string, unknown> },
): Promise<void> {
  await recordAudit(trx, {
    actor,
    action: 'update',
    entityType: 'execution',
    entityId: executionId,
    projectId: run.projectId,
    ...change,
  });
}

type Trx = Transaction<Database>;

interface RunRef {
  id: string;
  projectId: string;
}

/**
 * What one transaction changed, for the event bus: published only after the commit, so that
 * listeners reading the database see the change (and never see a rolled-back one).
 */
export class RunChanges {
  readonly logLines: { run: RunRef; line: NewRunLogLine; published: boolean }[] = [];
  readonly runs = new Map<string, RunRef>();
  readonly executions = new Map<string, RunRef>();
  /** A webhook event was recorded: wake the deliverer after the commit. */
  webhookRecorded = false;

  log(run: RunRef, line: Omit<NewRunLogLine, 'at'> & { at?: string }): void {
    this.logLines.push({ run, line: { ...line, at: line.at ?? nowIso() }, published: false });
  }

  /** Stores lines that were already streamed live as they happened (capture steps). */
  store(run: RunRef, lines: readonly NewRunLogLine[]): void {
    for (const line of lines) this.logLines.push({ run, line, published: true });
  }

  touchRun(run: RunRef): void {
    this.runs.set(run.id, { id: run.id, projectId: run.projectId });
  }

  touchExecution(run: RunRef, executionId: string): void {
    this.touchRun(run);
    this.executions.set(executionId, { id: run.id, projectId: run.projectId });
  }
}

/**
 * Runs `work` in a transaction, stores its log lines in that transaction, then publishes what
 * changed. Keep `work` short and free of anything but database calls on `trx`: SQLite has one
 * connection, and a query on ctx.db inside would wait for this transaction forever.
 */
export async function runTransaction<T>(
  ctx: AppContext,
  work: (trx: Trx, changes: RunChanges) => Promise<T>,
): Promise<T> {
  const changes = new RunChanges();
  const result = await ctx.db.transaction().execute(async (trx) => {
    const value = await work(trx, changes);
    for (const [runId, lines] of groupLines(changes)) {
      await insertRunLogLines(trx, runId, lines);
    }
    return value;
  });
  if (changes.webhookRecorded) ctx.webhookOutbox.kick();
  publishChanges(ctx, changes);
  return result;
}

function groupLines(changes: RunChanges): Map<string, NewRunLogLine[]> {
  const byRun = new Map<string, NewRunLogLine[]>();
  for (const { run, line } of changes.logLines) {
    const lines = byRun.get(run.id) ?? [];
    lines.push(line);
    byRun.set(run.id, lines);
  }
  return byRun;
}

/**
 * Publishes log lines, then which runs and executions changed (listeners load their state).
 * Never throws: the change itself is committed.
 */
export function publishChanges(ctx: AppContext, changes: RunChanges): void {
  for (const { run, line, published } of changes.logLines) {
    if (!published) {
      ctx.events.publish({ type: 'run.log', projectId: run.projectId, runId: run.id, line });
    }
  }
  for (const [executionId, run] of changes.executions) {
    ctx.events.publish({
      type: 'execution.changed',
      projectId: run.projectId,
      runId: run.id,
      executionId,
    });
  }
  for (const run of changes.runs.values()) {
    ctx.events.publish({ type: 'run.changed', projectId: run.projectId, runId: run.id });
  }
}

const terminalWebhook: Partial<Record<RunStatus, WebhookEventType>> = {
  finished: 'run.finished',
  failed: 'run.failed',
  cancelled: 'run.cancelled',
};

/**
 * Stores the run's status as derived from its executions (DESIGN.md section 2), in the
 * transaction that changed them. On entering `running` or a terminal status it writes the
 * webhook event and a log line. Returns the run as stored now.
 */
export async function syncRunStatus(
  trx: Trx,
  ctx: AppContext,
  runId: string,
  changes: RunChanges,
): Promise<RunRecord> {
  const run = await findRunLocking(trx, runId);
  invariant(run, `run ${runId} exists while its executions change`);
  const { byStatus: counts, timedOut } = await countRunExecutions(trx, runId);
  const status = deriveRunStatus({
    counts,
    timedOut,
    runCancelReason: run.cancelReason,
    started: run.startedAt !== null,
  });
  changes.touchRun(run);
  if (status === run.status) return run;

  const now = nowIso();
  const terminal = status === 'finished' || status === 'failed' || status === 'cancelled';
  const next: RunRecord = {
    ...run,
    status,
    startedAt: run.startedAt ?? (status === 'queued' ? null : now),
    finishedAt: terminal ? now : null,
  };
  await updateRunState(trx, runId, next);

  if (status === 'running' && run.status !== 'running') {
    changes.log(run, { level: 'info', kind: 'started', message: 'run started' });
    await recordRunWebhook(trx, ctx, next, 'run.started');
    changes.webhookRecorded = true;
  }
  const webhook = terminalWebhook[status];
  if (webhook) {
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    changes.log(run, {
      level: status === 'finished' ? 'info' : status === 'failed' ? 'error' : 'warn',
      kind: 'finished',
      message:
        `run ${status}${next.cancelReason ? ` (${next.cancelReason})` : ''}: ` +
        `${counts.finished}/${total} finished, ${counts.failed} failed, ${counts.cancelled} cancelled`,
    });
    await recordRunWebhook(trx, ctx, next, webhook);
    changes.webhookRecorded = true;
  }
  return next;
}

async function recordRunWebhook(
  trx: Trx,
  ctx: AppContext,
  run: RunRecord,
  type: WebhookEventType,
): Promise<void> {
  const [view] = await toRuns(trx, [run]);
  invariant(view, 'a run maps to its view');
  const changes = type === 'run.started' ? [] : await changeSummaries(trx, ctx, run.id);
  await recordWebhookEvent(trx, {
    projectId: run.projectId,
    type,
    data: {
      run: view,
      links: runLinks(ctx.config, run.id),
      ...(changes.length > 0 && { changes }),
    },
  });
}

/** Cells listed at most in a run webhook's `changes`. */
const maxChangeSummaries = 100;

/**
 * Issue 15: the compared cells whose diff was explained, with their one-line summary, for the
 * run's terminal webhook (biggest diff first).
 */
async function changeSummaries(trx: Conn, ctx: AppContext, runId: string) {
  const executions = await listExecutionsOfRun(trx, runId);
  return executions
    .filter((e) => e.diffDetails?.changeSummary)
    .sort((a, b) => (b.diffPercent ?? 0) - (a.diffPercent ?? 0))
    .slice(0, maxChangeSummaries)
    .map((e) => ({
      executionId: e.id,
      page: e.pageName,
      ...(e.taskName !== null && { task: e.taskName }),
      browser: e.browser,
      viewport: e.viewport.name,
      diffLevel: e.diffLevel,
      diffPercent: e.diffPercent,
      ...(e.diffDetails?.changedPercent !== undefined && {
        changedPercent: e.diffDetails.changedPercent,
      }),
      changeSummary: e.diffDetails?.changeSummary ?? '',
      links: executionLinks(ctx.config, e.id),
    }));
}

/** The execution.failed webhook, in the transaction that failed it. */
export async function recordExecutionFailedWebhook(
  trx: Conn,
  ctx: AppContext,
  run: RunRecord,
  executionId: string,
  changes: RunChanges,
): Promise<void> {
  changes.webhookRecorded = true;
  const record = await findExecution(trx, executionId);
  if (!record) return;
  const [view] = await toExecutions(trx, run.projectId, [record]);
  invariant(view, 'an execution maps to its view');
  const execution = { ...view, artifacts: absoluteUrls(ctx.config, view.artifacts) };
  await recordWebhookEvent(trx, {
    projectId: run.projectId,
    type: 'execution.failed',
    data: {
      execution,
      run: { id: run.id, batchId: run.batchId, mode: run.mode, jiraIssue: run.jiraIssue },
      links: { ...executionLinks(ctx.config, executionId), run: runLinks(ctx.config, run.id) },
    },
  });
}
