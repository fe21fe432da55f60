import type { AppContext } from '../app-context.ts';
import type { Actor } from '../audit/audit.types.ts';
import type { ApplyResult } from '../project-files/apply-project.ts';
import { getEffectiveSettings } from '../settings/settings.service.ts';
import { applyImport, findImportTarget } from './apply-import.ts';
import { convertBackstop, type BackstopConfig, type ImportReport } from './backstop.ts';

export interface BackstopImportResult extends ApplyResult {
  report: ImportReport;
}

/**
 * Imports a backstop.json into the project (created if missing; default name: the config's id):
 * a page per scenario and a batch of them all, applied as a project file (all or nothing,
 * re-importing changes only what differs). Pages and batches it does not name stay.
 */
export async function importBackstop(
  ctx: AppContext,
  config: BackstopConfig,
  options: { projectName?: string | undefined; cookies: Record<string, string> },
  actor: Actor,
): Promise<BackstopImportResult> {
  const projectName = options.projectName ?? config.id ?? 'backstop';
  const target = await findImportTarget(ctx, projectName);
  const settings = await getEffectiveSettings(ctx.db, target.project?.id);
  const { file, report } = convertBackstop(config, {
    projectName,
    existingViewports: settings.viewports,
    cookies: options.cookies,
  });
  const result = await applyImport(ctx, target, file, { source: 'backstop.json' }, actor);
  return { ...result, report };
}
