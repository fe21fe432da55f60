import { defaultDiffThreshold, type Batch } from '../batches/batch.schema.ts';
import { listBatchesOfProject } from '../batches/batches.repository.ts';
import type { Conn } from '../db/connect.ts';
import type { Page as Listing } from '../db/pagination.ts';
import type { Page } from '../pages/page.schema.ts';
import { listPagesOfProject } from '../pages/pages.repository.ts';
import type { Project } from '../projects/project.schema.ts';
import type { Schedule } from '../schedules/schedule.schema.ts';
import { listSchedulesOfProject } from '../schedules/schedules.repository.ts';
import { findProjectOverrides } from '../settings/settings.repository.ts';
import { settingsKeys, type SettingsOverrides } from '../settings/settings.schema.ts';
import type { Task } from '../tasks/task.schema.ts';
import { listTasksOfProject } from '../tasks/tasks.repository.ts';
import type { Webhook } from '../webhooks/webhook.schema.ts';
import { listWebhooksOfProject } from '../webhooks/webhooks.repository.ts';
import type {
  FileBatch,
  FilePage,
  FileSchedule,
  FileTask,
  FileWebhook,
  ProjectFile,
} from './project-file.schema.ts';
import { projectFileVersion } from './project-file.schema.ts';

// One project as stored, and each entity in its file form: the canonical form export writes
// (values equal to the defaults left out) and apply compares against.

export interface ProjectContents {
  project: Project;
  overrides: SettingsOverrides;
  pages: Page[];
  tasks: Task[];
  batches: Batch[];
  webhooks: Webhook[];
  /** By batch id, oldest first. */
  schedules: Map<string, Schedule[]>;
}

async function everyRow<T>(
  list: (cursor: string | undefined, limit: number) => Promise<Listing<T>>,
): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await list(cursor, 500);
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return all;
}

function byBatch(schedules: Schedule[]): Map<string, Schedule[]> {
  const map = new Map<string, Schedule[]>();
  for (const schedule of schedules) {
    map.set(schedule.batchId, [...(map.get(schedule.batchId) ?? []), schedule]);
  }
  return map;
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : 1);

export async function readProjectContents(conn: Conn, project: Project): Promise<ProjectContents> {
  const id = project.id;
  return {
    project,
    overrides: await findProjectOverrides(conn, id),
    pages: (await everyRow((c, l) => listPagesOfProject(conn, id, c, l))).sort(byName),
    tasks: (await everyRow((c, l) => listTasksOfProject(conn, id, c, l))).sort(byName),
    batches: (await everyRow((c, l) => listBatchesOfProject(conn, id, c, l))).sort(byName),
    webhooks: (await everyRow((c, l) => listWebhooksOfProject(conn, id, c, l))).sort((a, b) =>
      a.url < b.url ? -1 : 1,
    ),
    schedules: byBatch(await listSchedulesOfProject(conn, id)),
  };
}

/** The variable export names for a page's password: SCENE_PASSWORD_ and the page name. */
export function passwordVariableOf(pageName: string): string {
  const slug = pageName
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return `SCENE_PASSWORD_${slug || 'PAGE'}`;
}

const nonEmpty = <T>(list: T[]) => list.length > 0;

export function pageEntry(page: Page): FilePage {
  return {
    name: page.name,
    url: page.url,
    ...(page.referenceUrl !== undefined && { referenceUrl: page.referenceUrl }),
    ...(page.basicAuth && {
      basicAuth: {
        username: page.basicAuth.username,
        password: `\${${passwordVariableOf(page.name)}}`,
      },
    }),
    ...(nonEmpty(page.actions) && { actions: page.actions }),
    ...(page.script !== undefined && { script: page.script }),
    ...(nonEmpty(page.hideSelectors) && { hideSelectors: page.hideSelectors }),
    ...(nonEmpty(page.removeSelectors) && { removeSelectors: page.removeSelectors }),
    ...(nonEmpty(page.maskSelectors) && { maskSelectors: page.maskSelectors }),
    ...(nonEmpty(page.ignoreRegions) && { ignoreRegions: page.ignoreRegions }),
    ...(page.waitMs !== undefined && { waitMs: page.waitMs }),
    ...(!page.freezeTime && { freezeTime: false }),
    ...(!page.seedRandom && { seedRandom: false }),
    ...(page.capture.scope !== 'fullPage' && { capture: page.capture }),
  };
}

export function taskEntry(task: Task): FileTask {
  return {
    name: task.name,
    ...(nonEmpty(task.actions) && { actions: task.actions }),
    ...(task.script !== undefined && { script: task.script }),
    ...(task.capture !== undefined && { capture: task.capture }),
  };
}

export function scheduleEntry(schedule: Schedule): FileSchedule {
  return {
    cron: schedule.cron,
    ...(schedule.timezone !== 'UTC' && { timezone: schedule.timezone }),
    ...(schedule.mode !== 'compare' && { mode: schedule.mode }),
    ...(schedule.branch !== undefined && { branch: schedule.branch }),
    ...(!schedule.active && { active: false }),
  };
}

export function batchEntry(
  batch: Batch,
  pageNames: Map<string, string>,
  taskNames: Map<string, string>,
  schedules: Schedule[] = [],
): FileBatch {
  return {
    name: batch.name,
    pages: batch.pageIds.map((id) => pageNames.get(id) ?? id),
    ...(nonEmpty(batch.taskIds) && { tasks: batch.taskIds.map((id) => taskNames.get(id) ?? id) }),
    browsers: batch.browsers,
    viewports: batch.viewports,
    ...(batch.jiraIssue !== undefined && { jiraIssue: batch.jiraIssue }),
    ...(batch.executionDiffThreshold !== defaultDiffThreshold && {
      executionDiffThreshold: batch.executionDiffThreshold,
    }),
    ...(batch.runDiffThreshold !== defaultDiffThreshold && {
      runDiffThreshold: batch.runDiffThreshold,
    }),
    ...(!batch.freezeTime && { freezeTime: false }),
    ...(!batch.seedRandom && { seedRandom: false }),
    ...(batch.recordVideo && { recordVideo: true }),
    ...(batch.frozenTime !== undefined && { frozenTime: batch.frozenTime }),
    ...(nonEmpty(schedules) && { schedules: schedules.map(scheduleEntry) }),
  };
}

export function webhookEntry(webhook: Webhook): FileWebhook {
  return {
    url: webhook.url,
    events: webhook.events as FileWebhook['events'],
    active: webhook.active,
    ...(webhook.description !== undefined && { description: webhook.description }),
  };
}

/** The project's file form: what `scene export` writes. */
export function projectFileOf(contents: ProjectContents): ProjectFile {
  const pageNames = new Map(contents.pages.map((p) => [p.id, p.name]));
  const taskNames = new Map(contents.tasks.map((t) => [t.id, t.name]));
  const settings = Object.fromEntries(
    settingsKeys.flatMap((k) =>
      contents.overrides[k] === undefined ? [] : [[k, contents.overrides[k]]],
    ),
  );
  return {
    version: projectFileVersion,
    name: contents.project.name,
    ...(contents.project.description !== undefined && {
      description: contents.project.description,
    }),
    ...(Object.keys(settings).length > 0 && { settings }),
    ...(nonEmpty(contents.pages) && { pages: contents.pages.map(pageEntry) }),
    ...(nonEmpty(contents.tasks) && { tasks: contents.tasks.map(taskEntry) }),
    ...(nonEmpty(contents.batches) && {
      batches: contents.batches.map((b) =>
        batchEntry(b, pageNames, taskNames, contents.schedules.get(b.id)),
      ),
    }),
    ...(nonEmpty(contents.webhooks) && { webhooks: contents.webhooks.map(webhookEntry) }),
  };
}
