import type { AppContext } from '../app-context.ts';
import { removeArtifactFiles } from '../artifacts/artifact-removal.ts';
import {
  deleteArtifactRows,
  listArtifactsOnlyInBaseline,
} from '../artifacts/artifacts.repository.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Actor } from '../audit/audit.types.ts';
import type { Conn } from '../db/connect.ts';
import { pageSize, type Page } from '../db/pagination.ts';
import { findActiveRunIdsUsingBaseline } from '../runs/runs.repository.ts';
import { conflict, notFound, unprocessable } from '../shared/errors.ts';
import type { Baseline, BaselineListQuery } from './baseline.schema.ts';
import { branchesOfLine, type BaselineLine } from './branches.ts';
import {
  deleteBaselineRow,
  findBaseline,
  findBaselinesByIdPrefix,
  findLatestUsableBaseline,
  listBaselineRecords,
} from './baselines.repository.ts';

export async function getBaseline(conn: Conn, id: string): Promise<Baseline> {
  const baseline = await findBaseline(conn, id);
  if (!baseline) throw notFound('baseline', id);
  return baseline;
}

export function listBaselines(ctx: AppContext, query: BaselineListQuery): Promise<Page<Baseline>> {
  return listBaselineRecords(
    ctx.db,
    { batchId: query.batchId, projectId: query.projectId, branch: query.branch },
    query.cursor,
    pageSize(query),
  );
}

/** The baseline a compare run compares against, and why (the run's `baselineReason`). */
export interface ResolvedBaseline {
  baseline: Baseline;
  reason: string;
}

/**
 * The baseline a compare run uses: `ref` is a full id or a unique prefix of one (like a git
 * hash) among the batch's baselines, whatever their branch; without `ref`, the latest usable
 * baseline of the run's branch, else of its base branch (for a run without a branch, or on
 * the base branch: the base branch's or a branchless one). Unknown, ambiguous or foreign
 * references, and no baseline at all, are 422 (with the candidates).
 */
export async function resolveBaselineForCompare(
  conn: Conn,
  batchId: string,
  ref: string | undefined,
  line: BaselineLine,
): Promise<ResolvedBaseline> {
  if (ref !== undefined) {
    const baseline = await findBaselineByRef(conn, batchId, ref);
    return {
      baseline,
      reason: `baselineId '${ref}' given; using baseline ${baseline.id}${onBranch(baseline)}`,
    };
  }
  if (line.kind === 'branch') {
    const own = await findLatestUsableBaseline(conn, batchId, branchesOfLine(line));
    if (own) return { baseline: own, reason: `using '${line.branch}' (${latestOf(own)})` };
  }
  const base = await findLatestUsableBaseline(
    conn,
    batchId,
    branchesOfLine({ kind: 'trunk', baseBranch: line.baseBranch, branchGiven: true }),
  );
  if (!base) {
    throw unprocessable(
      line.kind === 'branch'
        ? `batch '${batchId}' has no baseline on branch '${line.branch}' nor on its base branch '${line.baseBranch}' yet: launch a run with mode "baseline" first`
        : `batch '${batchId}' has no baseline yet: launch a run with mode "baseline" first`,
    );
  }
  const using = `using '${line.baseBranch}' (${latestOf(base)})`;
  return {
    baseline: base,
    reason:
      line.kind === 'branch'
        ? `branch '${line.branch}' has no baseline; ${using}`
        : line.branchGiven
          ? using
          : `no branch given; ${using}`,
  };
}

function onBranch(baseline: Baseline): string {
  return baseline.branch === undefined ? ' (no branch)' : ` (branch '${baseline.branch}')`;
}

/** "latest, run r123": where the baseline came from, for a run's baselineReason. */
function latestOf(baseline: Baseline): string {
  const origin =
    baseline.sourceRunId !== null
      ? `run ${baseline.sourceRunId}`
      : baseline.forkedFromId !== undefined
        ? `baseline ${baseline.id}, copied from ${baseline.forkedFromId} at the branch's first approval`
        : `baseline ${baseline.id}`;
  return `latest${baseline.branch === undefined ? ', recorded without a branch' : ''}, ${origin}`;
}

/** A baseline of the batch by full id or unique prefix. */
async function findBaselineByRef(conn: Conn, batchId: string, ref: string): Promise<Baseline> {
  const normalized = ref.toLowerCase();
  if (!/^[a-z0-9]+$/.test(normalized)) {
    throw unprocessable(`baselineId '${ref}' is not a baseline id or id prefix`);
  }
  const matches = await findBaselinesByIdPrefix(conn, normalized, 50);
  const exact = matches.find((b) => b.id === normalized);
  if (exact) {
    if (exact.batchId !== batchId) {
      throw unprocessable(
        `baseline '${exact.id}' belongs to batch '${exact.batchId}', not to batch '${batchId}'`,
      );
    }
    return exact;
  }
  const ofBatch = matches.filter((b) => b.batchId === batchId);
  const [only] = ofBatch;
  if (only && ofBatch.length === 1) return only;
  const candidates = ofBatch.map((b) => ({
    id: b.id,
    createdAt: b.createdAt,
    sourceRunId: b.sourceRunId,
    ...(b.branch !== undefined && { branch: b.branch }),
    entries: b.entries,
  }));
  if (ofBatch.length === 0) {
    throw unprocessable(`no baseline of batch '${batchId}' has an id starting with '${ref}'`, {
      candidates,
    });
  }
  throw unprocessable(
    `baselineId '${ref}' is ambiguous: ${ofBatch.length} baselines of this batch start with it (${ofBatch
      .map((b) => b.id)
      .join(', ')}); give more characters`,
    { candidates },
  );
}

/**
 * Deletes a baseline and the images only it kept alive (images of runs that still exist stay
 * with those runs). 409 while a queued or running run uses it.
 */
export async function deleteBaseline(ctx: AppContext, id: string, actor: Actor): Promise<void> {
  const released = await ctx.db.transaction().execute(async (trx) => {
    const before = await getBaseline(trx, id);
    const activeRuns = await findActiveRunIdsUsingBaseline(trx, id);
    if (activeRuns.length > 0) {
      throw conflict(
        `baseline '${id}' is used by ${activeRuns.length} queued or running run(s): ${activeRuns.join(', ')}; cancel them or wait until they end`,
        { runIds: activeRuns },
      );
    }
    const orphans = await listArtifactsOnlyInBaseline(trx, id);
    if (!(await deleteBaselineRow(trx, id))) throw notFound('baseline', id);
    await deleteArtifactRows(
      trx,
      orphans.map((a) => a.id),
    );
    await recordAudit(trx, {
      actor,
      action: 'delete',
      entityType: 'baseline',
      entityId: id,
      projectId: before.projectId,
      before,
      after: null,
    });
    return orphans;
  });
  await removeArtifactFiles(ctx, released);
}
