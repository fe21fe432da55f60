import type { AppContext } from '../app-context.ts';
import type { Actor } from '../audit/audit.types.ts';
import type { ApplyResult } from '../project-files/apply-project.ts';
import { getEffectiveSettings } from '../settings/settings.service.ts';
import { unprocessable } from '../shared/errors.ts';
import { applyImport, findImportTarget } from './apply-import.ts';
import {
  convertStorybook,
  isStoryPageOf,
  readStorybookIndex,
  storybookBaseOf,
  type StorybookEntry,
  type StorybookFilter,
  type StorybookReport,
} from './storybook.ts';

export interface StorybookImportResult extends ApplyResult {
  report: StorybookReport;
}

const indexTimeoutMs = 30_000;

/** The Storybook's index: index.json (Storybook 7+), else stories.json (Storybook 6). */
async function fetchStorybookIndex(base: string): Promise<StorybookEntry[]> {
  const problems: string[] = [];
  for (const file of ['index.json', 'stories.json']) {
    const url = new URL(file, base).href;
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(indexTimeoutMs) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw unprocessable(
        `cannot read the Storybook at ${base}: ${cause ?? (error as Error).message}`,
      );
    }
    if (!response.ok) {
      problems.push(`${file}: HTTP ${response.status}`);
      continue;
    }
    try {
      return readStorybookIndex(await response.json());
    } catch (error) {
      throw unprocessable(`${url} is not a Storybook index: ${(error as Error).message}`);
    }
  }
  throw unprocessable(`no Storybook index at ${base} (${problems.join(', ')})`);
}

/**
 * Imports a Storybook into the project (created if missing; default name: storybook): a page
 * per story and the batch `storybook` of them (a batch that exists keeps its browsers,
 * viewports, thresholds and schedules, and the pages added to it by hand; its story pages become
 * the stories). Pages of stories gone from the Storybook, or filtered out now, are deleted;
 * other pages stay.
 */
export async function importStorybook(
  ctx: AppContext,
  url: string,
  options: { projectName?: string | undefined; filter: StorybookFilter },
  actor: Actor,
): Promise<StorybookImportResult> {
  const base = storybookBaseOf(url);
  const entries = await fetchStorybookIndex(base);
  const projectName = options.projectName ?? 'storybook';
  const target = await findImportTarget(ctx, projectName);
  const settings = await getEffectiveSettings(ctx.db, target.project?.id);
  const existingBatch = target.current?.batches?.find((b) => b.name === 'storybook');
  const { file, skipped, stories, kept } = convertStorybook(entries, {
    base,
    projectName,
    filter: options.filter,
    existingBatch,
    existingPages: target.current?.pages,
    tasks: target.current?.tasks,
    defaultViewport: settings.viewports[0]?.name ?? 'desktop',
  });
  const result = await applyImport(
    ctx,
    target,
    file,
    { source: `${base} (Storybook)`, ownsPage: (page) => isStoryPageOf(base, page.url) },
    actor,
  );
  const pages = (action: string) =>
    result.changes.filter((c) => c.entity === 'page' && c.action === action).map((c) => c.name);
  return {
    ...result,
    report: {
      stories,
      added: pages('create'),
      updated: pages('update'),
      removed: pages('delete'),
      kept,
      skipped,
    },
  };
}
