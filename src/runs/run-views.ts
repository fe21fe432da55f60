import { artifactUrl } from '../artifacts/artifact-files.ts';
import {
  listArtifactsOfExecutions,
  sumStoredBytesOfRuns,
} from '../artifacts/artifacts.repository.ts';
import {
  findEntriesByIds,
  findExecutionsWithCurrentEntries,
} from '../baselines/baselines.repository.ts';
import type { Conn } from '../db/connect.ts';
import type { ExecutionRecord } from './executions.repository.ts';
import type { ArtifactKind, Execution, ExecutionArtifacts, Run, RunSummary } from './run.schema.ts';
import { listDriftedCells, listOutcomeGroups, type RunRecord } from './runs.repository.ts';
import { summarizeRun } from './run-summary.ts';

// Maps stored records to the public Run and Execution shapes (DESIGN.md section 5).

export function toRun(record: RunRecord, summary: RunSummary, bytesStored: number): Run {
  return {
    id: record.id,
    projectId: record.projectId,
    batchId: record.batchId,
    batchName: record.batchName,
    mode: record.mode,
    ...(record.baselineId !== null && { baselineId: record.baselineId }),
    status: record.status,
    ...(record.jiraIssue !== null && { jiraIssue: record.jiraIssue }),
    ...(record.branch !== null && { branch: record.branch }),
    ...(record.baseBranch !== null && { baseBranch: record.baseBranch }),
    ...(record.commit !== null && { commit: record.commit }),
    ...(record.baselineReason !== null && { baselineReason: record.baselineReason }),
    ...(record.cancelReason !== null && { cancelReason: record.cancelReason }),
    ...(record.deadlineAt !== null && { deadlineAt: record.deadlineAt }),
    createdAt: record.createdAt,
    ...(record.startedAt !== null && { startedAt: record.startedAt }),
    ...(record.finishedAt !== null && { finishedAt: record.finishedAt }),
    summary,
    bytesStored,
  };
}

/** Runs with their summaries, counted from their executions in one query. */
export async function toRuns(conn: Conn, records: readonly RunRecord[]): Promise<Run[]> {
  const ids = records.map((r) => r.id);
  const [outcomes, drifted, storedBytes] = await Promise.all([
    listOutcomeGroups(conn, ids),
    listDriftedCells(conn, ids),
    sumStoredBytesOfRuns(conn, ids),
  ]);
  const byRun = groupBy(outcomes, (o) => o.runId);
  const driftedByRun = groupBy(drifted, (d) => d.runId);
  return records.map((record) =>
    toRun(
      record,
      summarizeRun(
        record.mode,
        byRun.get(record.id) ?? [],
        record.runDiffThreshold,
        driftedByRun.get(record.id) ?? [],
      ),
      storedBytes.get(record.id) ?? 0,
    ),
  );
}

const artifactKinds: readonly ArtifactKind[] = [
  'screenshot',
  'baseline',
  'diff',
  'heatmap',
  'reference',
  'trace',
  'video',
  'log',
  'failure',
  'layout',
  'aligned',
];

function isArtifactKind(kind: string): kind is ArtifactKind {
  return (artifactKinds as readonly string[]).includes(kind);
}

/** Executions with their artifact URLs and approval state (three queries for any number). */
export async function toExecutions(
  conn: Conn,
  projectId: string,
  records: readonly ExecutionRecord[],
): Promise<Execution[]> {
  const ids = records.map((r) => r.id);
  const [artifacts, entries, approved] = await Promise.all([
    listArtifactsOfExecutions(conn, ids),
    findEntriesByIds(
      conn,
      records.flatMap((r) => (r.baselineEntryId === null ? [] : [r.baselineEntryId])),
    ),
    findExecutionsWithCurrentEntries(conn, ids),
  ]);
  const artifactsByExecution = groupBy(artifacts, (a) => a.executionId);
  const entryById = new Map(entries.map((e) => [e.id, e]));
  return records.map((record) => {
    const urls: ExecutionArtifacts = {};
    // Oldest first: a later artifact of the same kind (a retry) wins.
    for (const artifact of artifactsByExecution.get(record.id) ?? []) {
      if (isArtifactKind(artifact.kind)) urls[artifact.kind] = artifactUrl(artifact.storageKey);
    }
    const entry =
      record.baselineEntryId === null ? undefined : entryById.get(record.baselineEntryId);
    if (entry) urls.baseline = artifactUrl(entry.storageKey);
    return toExecution(record, projectId, urls, approved.has(record.id));
  });
}

export function toExecution(
  record: ExecutionRecord,
  projectId: string,
  artifacts: ExecutionArtifacts,
  approved: boolean,
): Execution {
  const details = record.diffDetails;
  return {
    id: record.id,
    runId: record.runId,
    projectId,
    position: record.position,
    matrixKey: record.matrixKey,
    pageId: record.pageId,
    pageName: record.pageName,
    ...(record.taskId !== null && { taskId: record.taskId }),
    ...(record.taskName !== null && { taskName: record.taskName }),
    browser: record.browser,
    viewport: record.viewport,
    capture: record.capture,
    status: record.status,
    attempt: record.attempt,
    ...(record.error !== null && { error: record.error }),
    ...(record.cancelReason !== null && { cancelReason: record.cancelReason }),
    ...(record.httpStatus !== null && { httpStatus: record.httpStatus }),
    ...(record.finalUrl !== null && { finalUrl: record.finalUrl }),
    ...(record.diffPixels !== null && { diffPixels: record.diffPixels }),
    ...(record.diffPercent !== null && { diffPercent: record.diffPercent }),
    ...(record.diffLevel !== null && { diffLevel: record.diffLevel }),
    ...(details?.changedPercent !== undefined && { changedPercent: details.changedPercent }),
    ...(details?.changes !== undefined && { changes: details.changes }),
    ...(details?.changeSummary !== undefined && { changeSummary: details.changeSummary }),
    ...(details?.changedRegions !== undefined && { changedRegions: details.changedRegions }),
    ...(details?.sizeChange !== undefined && { sizeChange: details.sizeChange }),
    ...(details?.noBaseline === true && { noBaseline: true }),
    ...(details?.noReference === true && { noReference: true }),
    ...(details?.unstable === true && {
      unstable: true,
      unstableRegions: details.unstableRegions ?? [],
    }),
    approved,
    review: {
      status: record.review.status,
      ...(record.review.by !== null && { by: record.review.by }),
      ...(record.review.at !== null && { at: record.review.at }),
    },
    artifacts,
    ...(record.environment !== null && { environment: record.environment }),
    ...(record.environmentDrift !== null && { environmentDrift: record.environmentDrift }),
    createdAt: record.createdAt,
    ...(record.startedAt !== null && { startedAt: record.startedAt }),
    ...(record.finishedAt !== null && { finishedAt: record.finishedAt }),
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
