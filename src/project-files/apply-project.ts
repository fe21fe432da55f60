import type { AppContext } from '../app-context.ts';
import type { Actor } from '../audit/audit.types.ts';
import {
  createBatch,
  deleteBatchRows,
  finishBatchRemoval,
  updateBatch,
  type BatchRemoval,
} from '../batches/batches.service.ts';
import type { Conn } from '../db/connect.ts';
import { inTransaction } from '../db/transaction.ts';
import { findPagesForCapture } from '../pages/pages.repository.ts';
import type { Page, UpdatePageInput } from '../pages/page.schema.ts';
import { createPage, deletePage, updatePage } from '../pages/pages.service.ts';
import type { Project } from '../projects/project.schema.ts';
import { findProjectByName } from '../projects/projects.repository.ts';
import { createProject, updateProject } from '../projects/projects.service.ts';
import { settingsKeys, type SettingsPatch } from '../settings/settings.schema.ts';
import { updateProjectSettings } from '../settings/settings.service.ts';
import { AppError, conflict } from '../shared/errors.ts';
import { createTask, deleteTask, updateTask } from '../tasks/tasks.service.ts';
import { createWebhook, deleteWebhook, updateWebhook } from '../webhooks/webhooks.service.ts';
import type { Batch } from '../batches/batch.schema.ts';
import {
  parseProjectFile,
  projectFileError,
  type FileProblem,
  type ParsedProjectFile,
} from './parse-project-file.ts';
import type { Schedule } from '../schedules/schedule.schema.ts';
import { createSchedule, deleteSchedule, updateSchedule } from '../schedules/schedules.service.ts';
import {
  batchEntry,
  pageEntry,
  scheduleEntry,
  readProjectContents,
  taskEntry,
  webhookEntry,
  type ProjectContents,
} from './project-contents.ts';
import { envReferencePattern, type FilePage, type FileSchedule } from './project-file.schema.ts';

// `scene apply`: makes the project what the file says, by name, in one transaction. Only what
// differs is written, so a second apply of the same file changes nothing and audits nothing.
// A dry run goes through the very same steps, then rolls back.

export type ChangeAction = 'create' | 'update' | 'delete';
export type ChangedEntity =
  'project' | 'settings' | 'page' | 'task' | 'batch' | 'schedule' | 'webhook';

export interface PlannedChange {
  action: ChangeAction;
  entity: ChangedEntity;
  /** The entity's name (a webhook's URL; the project's name for settings). */
  name: string;
  /** For updates: the fields that change. */
  fields?: string[];
}

export interface ApplyOptions {
  /** The file's name, for error messages. */
  fileName: string;
  dryRun: boolean;
  prune: boolean;
  /** Values of the `${NAME}` references of the file (basic-auth passwords). */
  environment: Record<string, string>;
  /**
   * Without `prune`: the pages the file stands for (an importer's, e.g. by URL), of which those
   * the file no longer names are deleted; the project's other pages stay.
   */
  ownsPage?: (page: Page) => boolean;
}

export interface ApplyResult {
  /** The project; id is null on a dry run that would create it. */
  project: { id: string | null; name: string };
  dryRun: boolean;
  changes: PlannedChange[];
}

class DryRunRollback extends Error {
  constructor(readonly result: ApplyResult) {
    super('dry run: rolled back');
  }
}

/** Compares two file entries field by field (JSON equality); returns the fields that differ. */
function changedFields(desired: object, current: object): string[] {
  const keys = new Set([...Object.keys(desired), ...Object.keys(current)]);
  return [...keys].filter(
    (k) =>
      JSON.stringify((desired as Record<string, unknown>)[k]) !==
      JSON.stringify((current as Record<string, unknown>)[k]),
  );
}

/** Runs one step of the apply; a service's refusal becomes a problem at the entry's line. */
async function at<T>(
  file: ParsedProjectFile,
  path: (string | number)[],
  step: () => Promise<T>,
): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof AppError && error.code !== 'internal' && error.code !== 'unavailable') {
      throw projectFileError([file.problemAt(path, error.message)]);
    }
    throw error;
  }
}

interface Step {
  ctx: AppContext;
  trx: Conn;
  actor: Actor;
  file: ParsedProjectFile;
  options: ApplyOptions;
  changes: PlannedChange[];
}

function resolvePassword(step: Step, index: number, entry: FilePage): string | undefined {
  const reference = entry.basicAuth?.password;
  if (reference === undefined) return undefined;
  const variable = envReferencePattern.exec(reference)?.[1] ?? reference;
  const value = step.options.environment[variable];
  if (value === undefined) {
    throw projectFileError([
      step.file.problemAt(
        ['pages', index, 'basicAuth', 'password'],
        `environment variable ${variable} is not set: export it where scene apply runs`,
      ),
    ]);
  }
  return value;
}

/** The PATCH that turns `current` into the file's entry (absent optional fields removed). */
function pagePatch(entry: FilePage, fields: string[], password: string | undefined) {
  const patch: UpdatePageInput = {};
  const set = patch as Record<string, unknown>;
  const defaults: Record<string, unknown> = {
    actions: [],
    hideSelectors: [],
    removeSelectors: [],
    maskSelectors: [],
    ignoreRegions: [],
    freezeTime: true,
    seedRandom: true,
    capture: { scope: 'fullPage' },
  };
  for (const field of fields) {
    if (field === 'basicAuth') continue;
    const value = (entry as Record<string, unknown>)[field];
    set[field] = value ?? (field in defaults ? defaults[field] : null);
  }
  if (fields.includes('basicAuth') || password !== undefined) {
    patch.basicAuth = entry.basicAuth
      ? { username: entry.basicAuth.username, ...(password !== undefined && { password }) }
      : null;
  }
  return patch;
}

async function applyPages(step: Step, projectId: string, current: Page[]): Promise<Page[]> {
  const { ctx, trx, actor, file, changes } = step;
  const scoped = { ...ctx, db: trx as AppContext['db'] };
  const byName = new Map(current.map((p) => [p.name, p]));
  const result: Page[] = [];
  for (const [i, entry] of (file.content.pages ?? []).entries()) {
    const password = resolvePassword(step, i, entry);
    const existing = byName.get(entry.name);
    const path = ['pages', i];
    if (!existing) {
      if (entry.basicAuth && password === undefined) {
        throw projectFileError([
          file.problemAt(
            [...path, 'basicAuth'],
            'a new page with basicAuth needs its password as ${ENV_VAR}',
          ),
        ]);
      }
      const { basicAuth, ...rest } = entry;
      const page = await at(file, path, () =>
        createPage(
          scoped,
          projectId,
          {
            ...rest,
            ...(basicAuth && {
              basicAuth: { username: basicAuth.username, password: password ?? '' },
            }),
          },
          actor,
        ),
      );
      changes.push({ action: 'create', entity: 'page', name: entry.name });
      result.push(page);
      continue;
    }
    // An explicit `capture: {scope: fullPage}` is the default, which exports leave out.
    const { basicAuth: fileAuth, ...fileRest } =
      entry.capture?.scope === 'fullPage' ? { ...entry, capture: undefined } : entry;
    const { basicAuth: storedAuth, ...storedRest } = pageEntry(existing);
    const fields = changedFields(fileRest, storedRest);
    if (fileAuth?.username !== storedAuth?.username) fields.push('basicAuth');
    let newPassword: string | undefined;
    if (password !== undefined) {
      const [stored] = await findPagesForCapture(trx, [existing.id]);
      if (stored?.basicAuth?.password !== password) {
        newPassword = password;
        fields.push('basicAuth.password');
      }
    }
    if (fields.length === 0) {
      result.push(existing);
      continue;
    }
    const patch = pagePatch(entry, fields, newPassword);
    result.push(await at(file, path, () => updatePage(scoped, existing.id, patch, actor)));
    changes.push({ action: 'update', entity: 'page', name: entry.name, fields });
  }
  return result;
}

async function applyTasks(step: Step, projectId: string, contents: ProjectContents) {
  const { ctx, trx, actor, file, changes } = step;
  const scoped = { ...ctx, db: trx as AppContext['db'] };
  const byName = new Map(contents.tasks.map((t) => [t.name, t]));
  const ids = new Map<string, string>();
  for (const [i, entry] of (file.content.tasks ?? []).entries()) {
    const existing = byName.get(entry.name);
    if (!existing) {
      const task = await at(file, ['tasks', i], () => createTask(scoped, projectId, entry, actor));
      changes.push({ action: 'create', entity: 'task', name: entry.name });
      ids.set(entry.name, task.id);
      continue;
    }
    ids.set(entry.name, existing.id);
    const fields = changedFields(entry, taskEntry(existing));
    if (fields.length === 0) continue;
    await at(file, ['tasks', i], () =>
      updateTask(
        scoped,
        existing.id,
        {
          actions: entry.actions ?? [],
          script: entry.script ?? null,
          capture: entry.capture ?? null,
        },
        actor,
      ),
    );
    changes.push({ action: 'update', entity: 'task', name: entry.name, fields });
  }
  return ids;
}

async function applyBatches(
  step: Step,
  projectId: string,
  current: Batch[],
  schedules: Map<string, Schedule[]>,
  pageIds: Map<string, string>,
  taskIds: Map<string, string>,
): Promise<void> {
  const { ctx, trx, actor, file, changes } = step;
  const scoped = { ...ctx, db: trx as AppContext['db'] };
  const byName = new Map(current.map((b) => [b.name, b]));
  const pageNames = new Map([...pageIds].map(([name, id]) => [id, name]));
  const taskNames = new Map([...taskIds].map(([name, id]) => [id, name]));
  for (const [i, entry] of (file.content.batches ?? []).entries()) {
    const { pages, tasks, schedules: _schedules, ...rest } = entry;
    const ids = {
      pageIds: pages.map((name) => pageIds.get(name) ?? name),
      taskIds: (tasks ?? []).map((name) => taskIds.get(name) ?? name),
    };
    const existing = byName.get(entry.name);
    if (!existing) {
      const batch = await at(file, ['batches', i], () =>
        createBatch(scoped, projectId, { ...rest, ...ids }, actor),
      );
      changes.push({ action: 'create', entity: 'batch', name: entry.name });
      await applySchedules(step, i, batch.id, []);
      continue;
    }
    await applySchedules(step, i, existing.id, schedules.get(existing.id) ?? []);
    const { schedules: _current, ...stored } = batchEntry(existing, pageNames, taskNames);
    const fields = changedFields({ ...rest, pages, ...(tasks && { tasks }) }, stored);
    if (fields.length === 0) continue;
    await at(file, ['batches', i], () =>
      updateBatch(
        scoped,
        existing.id,
        {
          ...ids,
          browsers: entry.browsers,
          viewports: entry.viewports,
          jiraIssue: entry.jiraIssue ?? null,
          executionDiffThreshold: entry.executionDiffThreshold ?? 0.1,
          runDiffThreshold: entry.runDiffThreshold ?? 0.1,
          freezeTime: entry.freezeTime ?? true,
          seedRandom: entry.seedRandom ?? true,
          frozenTime: entry.frozenTime ?? null,
          recordVideo: entry.recordVideo ?? false,
        },
        actor,
      ),
    );
    changes.push({ action: 'update', entity: 'batch', name: entry.name, fields });
  }
}

/** What identifies a schedule in the file: everything but whether it is active. */
function scheduleKey(entry: FileSchedule): string {
  const { active: _active, ...rest } = scheduleEntry({
    cron: entry.cron,
    timezone: entry.timezone ?? 'UTC',
    mode: entry.mode ?? 'compare',
    ...(entry.branch !== undefined && { branch: entry.branch }),
    active: entry.active ?? true,
  } as Schedule);
  return JSON.stringify(rest);
}

/** The file's list of a batch's schedules replaces the batch's schedules. */
async function applySchedules(
  step: Step,
  batchIndex: number,
  batchId: string,
  current: Schedule[],
): Promise<void> {
  const { ctx, trx, actor, file, changes } = step;
  const scoped = { ...ctx, db: trx as AppContext['db'] };
  const entry = file.content.batches?.[batchIndex];
  if (!entry) return;
  const unmatched = [...current];
  for (const [j, wanted] of (entry.schedules ?? []).entries()) {
    const name = `${entry.name}: ${wanted.cron}${wanted.timezone ? ` ${wanted.timezone}` : ''}`;
    const path = ['batches', batchIndex, 'schedules', j];
    const k = unmatched.findIndex((s) => scheduleKey(scheduleEntry(s)) === scheduleKey(wanted));
    const match = k === -1 ? undefined : unmatched.splice(k, 1)[0];
    if (!match) {
      await at(file, path, () => createSchedule(scoped, batchId, wanted, actor));
      changes.push({ action: 'create', entity: 'schedule', name });
    } else if (match.active !== (wanted.active ?? true)) {
      await at(file, path, () =>
        updateSchedule(scoped, match.id, { active: wanted.active ?? true }, actor),
      );
      changes.push({ action: 'update', entity: 'schedule', name, fields: ['active'] });
    }
  }
  for (const gone of unmatched) {
    await deleteSchedule(scoped, gone.id, actor);
    changes.push({
      action: 'delete',
      entity: 'schedule',
      name: `${entry.name}: ${gone.cron}${gone.timezone !== 'UTC' ? ` ${gone.timezone}` : ''}`,
    });
  }
}

async function applyWebhooks(step: Step, projectId: string, contents: ProjectContents) {
  const { ctx, trx, actor, file, changes } = step;
  const scoped = { ...ctx, db: trx as AppContext['db'] };
  const byUrl = new Map(contents.webhooks.map((w) => [w.url, w]));
  for (const [i, entry] of (file.content.webhooks ?? []).entries()) {
    const existing = byUrl.get(entry.url);
    if (!existing) {
      await at(file, ['webhooks', i], () => createWebhook(scoped, projectId, entry, actor));
      changes.push({ action: 'create', entity: 'webhook', name: entry.url });
      continue;
    }
    const fields = changedFields(entry, webhookEntry(existing));
    if (fields.length === 0) continue;
    await at(file, ['webhooks', i], () =>
      updateWebhook(
        scoped,
        existing.id,
        { events: entry.events, active: entry.active, description: entry.description ?? null },
        actor,
      ),
    );
    changes.push({ action: 'update', entity: 'webhook', name: entry.url, fields });
  }
}

/** Settings keys the file sets differently (and, with prune, overrides it no longer has). */
function settingsPatches(step: Step, contents: ProjectContents) {
  const wanted = step.file.content.settings ?? {};
  const set: SettingsPatch = {};
  const unset: SettingsPatch = {};
  for (const key of settingsKeys) {
    const desired = wanted[key];
    const current = contents.overrides[key];
    if (desired !== undefined && JSON.stringify(desired) !== JSON.stringify(current)) {
      Object.assign(set, { [key]: desired });
    } else if (desired === undefined && current !== undefined && step.options.prune) {
      Object.assign(unset, { [key]: null });
    }
  }
  return { set, unset };
}

async function applySettings(step: Step, projectId: string, name: string, patch: SettingsPatch) {
  const fields = Object.keys(patch);
  if (fields.length === 0) return;
  const scoped = { ...step.ctx, db: step.trx as AppContext['db'] };
  await at(step.file, ['settings'], () =>
    updateProjectSettings(scoped, projectId, patch, step.actor),
  );
  step.changes.push({ action: 'update', entity: 'settings', name, fields });
}

/** Refuses to prune what runs in flight still use. */
async function assertNothingInFlight(
  trx: Conn,
  what: string,
  column: 'batch_id' | 'page_id' | 'task_id',
  id: string,
): Promise<void> {
  const busy =
    column === 'batch_id'
      ? await trx
          .selectFrom('runs')
          .select('id')
          .where('batch_id', '=', id)
          .where('status', 'in', ['queued', 'running'])
          .executeTakeFirst()
      : await trx
          .selectFrom('executions')
          .select('run_id as id')
          .where(column, '=', id)
          .where('status', 'in', ['queued', 'running'])
          .executeTakeFirst();
  if (busy) {
    throw conflict(
      `cannot prune ${what}: run ${busy.id} is in flight; wait for it to end or cancel it, then apply again`,
      { runId: busy.id },
    );
  }
}

/** Deletes the pages the file does not name. */
async function prunePages(step: Step, pages: Page[]) {
  const { ctx, trx, actor, file, changes } = step;
  const scoped = { ...ctx, db: trx as AppContext['db'] };
  const named = new Set((file.content.pages ?? []).map((e) => e.name));
  for (const page of pages.filter((p) => !named.has(p.name))) {
    await assertNothingInFlight(trx, `page '${page.name}'`, 'page_id', page.id);
    await deletePage(scoped, page.id, actor);
    changes.push({ action: 'delete', entity: 'page', name: page.name });
  }
}

async function prune(step: Step, contents: ProjectContents, removals: BatchRemoval[]) {
  const { ctx, trx, actor, file, changes } = step;
  const scoped = { ...ctx, db: trx as AppContext['db'] };
  const keep = (list: { name: string }[] | undefined) => new Set((list ?? []).map((e) => e.name));
  const batches = keep(file.content.batches);
  for (const batch of contents.batches.filter((b) => !batches.has(b.name))) {
    await assertNothingInFlight(trx, `batch '${batch.name}'`, 'batch_id', batch.id);
    removals.push(await deleteBatchRows(trx, batch.id, actor));
    changes.push({ action: 'delete', entity: 'batch', name: batch.name });
  }
  await prunePages(step, contents.pages);
  const tasks = keep(file.content.tasks);
  for (const task of contents.tasks.filter((t) => !tasks.has(t.name))) {
    await assertNothingInFlight(trx, `task '${task.name}'`, 'task_id', task.id);
    await deleteTask(scoped, task.id, actor);
    changes.push({ action: 'delete', entity: 'task', name: task.name });
  }
  const urls = new Set((file.content.webhooks ?? []).map((w) => w.url));
  for (const webhook of contents.webhooks.filter((w) => !urls.has(w.url))) {
    await deleteWebhook(scoped, webhook.id, actor);
    changes.push({ action: 'delete', entity: 'webhook', name: webhook.url });
  }
}

async function applyInTransaction(
  ctx: AppContext,
  trx: Conn,
  file: ParsedProjectFile,
  options: ApplyOptions,
  actor: Actor,
  removals: BatchRemoval[],
): Promise<ApplyResult> {
  const changes: PlannedChange[] = [];
  const step: Step = { ctx, trx, actor, file, options, changes };
  const scoped = { ...ctx, db: trx as AppContext['db'] };
  const { name, description } = file.content;
  let project: Project | undefined = await findProjectByName(trx, name);
  if (!project) {
    project = await at(file, ['name'], () =>
      createProject(scoped, { name, ...(description !== undefined && { description }) }, actor),
    );
    changes.push({ action: 'create', entity: 'project', name });
  } else if ((project.description ?? undefined) !== description) {
    const id = project.id;
    await at(file, ['description'], () =>
      updateProject(scoped, id, { description: description ?? null }, actor),
    );
    changes.push({ action: 'update', entity: 'project', name, fields: ['description'] });
  }
  const contents = await readProjectContents(trx, project);
  const settings = settingsPatches(step, contents);
  await applySettings(step, project.id, name, settings.set);
  const pages = await applyPages(step, project.id, contents.pages);
  const taskIds = await applyTasks(step, project.id, contents);
  const pageIds = new Map(pages.map((p) => [p.name, p.id]));
  await applyBatches(step, project.id, contents.batches, contents.schedules, pageIds, taskIds);
  await applyWebhooks(step, project.id, contents);
  if (options.prune) {
    await prune(step, contents, removals);
    await applySettings(step, project.id, name, settings.unset);
  } else if (options.ownsPage) {
    await prunePages(step, contents.pages.filter(options.ownsPage));
  }
  if (options.dryRun) {
    const created = changes.some((c) => c.entity === 'project' && c.action === 'create');
    throw new DryRunRollback({
      project: { id: created ? null : project.id, name },
      dryRun: true,
      changes,
    });
  }
  return { project: { id: project.id, name }, dryRun: false, changes };
}

/** Applies the project file (YAML or JSON text); all or nothing. */
export async function applyProjectFile(
  ctx: AppContext,
  text: string,
  options: ApplyOptions,
  actor: Actor,
): Promise<ApplyResult> {
  const file = parseProjectFile(text, options.fileName);
  const removals: BatchRemoval[] = [];
  let result: ApplyResult;
  try {
    result = await inTransaction(ctx.db, (trx) =>
      applyInTransaction(ctx, trx, file, options, actor, removals),
    );
  } catch (error) {
    if (error instanceof DryRunRollback) return error.result;
    throw error;
  }
  for (const removal of removals) await finishBatchRemoval(ctx, removal);
  return result;
}

export type { FileProblem };
