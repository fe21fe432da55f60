import type { AppContext } from '../app-context.ts';
import type { Actor } from '../audit/audit.types.ts';
import type { Page } from '../pages/page.schema.ts';
import { applyProjectFile, type ApplyResult } from '../project-files/apply-project.ts';
import { projectFileOf, readProjectContents } from '../project-files/project-contents.ts';
import type { ProjectFile } from '../project-files/project-file.schema.ts';
import { findProjectByName } from '../projects/projects.repository.ts';
import type { Project } from '../projects/project.schema.ts';

// What every importer shares: it turns another tool's configuration into a Scene project file
// and applies it (all or nothing; re-importing writes only what differs). Pages and batches the
// file does not name stay, except the pages `ownsPage` claims (the importer's own, vanished at
// the source).

export interface ImportTarget {
  /** The project, if it exists already. */
  project: Project | undefined;
  /** The project as it stands, in file form (undefined for a new project). */
  current: ProjectFile | undefined;
}

export async function findImportTarget(
  ctx: AppContext,
  projectName: string,
): Promise<ImportTarget> {
  const project = await findProjectByName(ctx.db, projectName);
  if (!project) return { project, current: undefined };
  return { project, current: projectFileOf(await readProjectContents(ctx.db, project)) };
}

export async function applyImport(
  ctx: AppContext,
  target: ImportTarget,
  file: ProjectFile,
  options: { source: string; ownsPage?: (page: Page) => boolean },
  actor: Actor,
): Promise<ApplyResult> {
  // A batch's schedules are Scene's, not the other tool's: the file's list would replace them.
  const batches = file.batches?.map((batch) => {
    const existing = target.current?.batches?.find((b) => b.name === batch.name);
    return batch.schedules === undefined && existing?.schedules
      ? { ...batch, schedules: existing.schedules }
      : batch;
  });
  return applyProjectFile(
    ctx,
    JSON.stringify({ ...file, ...(batches && { batches }) }, null, 2),
    {
      fileName: `${options.source} (as a Scene project file)`,
      dryRun: false,
      prune: false,
      environment: {},
      ...(options.ownsPage && { ownsPage: options.ownsPage }),
    },
    actor,
  );
}
