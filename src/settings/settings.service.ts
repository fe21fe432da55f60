import type { AppContext } from '../app-context.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Actor } from '../audit/audit.types.ts';
import { describeBatches } from '../batches/batch-refs.ts';
import { listBatchUsage, type BatchRef, type BatchUsage } from '../batches/batches.repository.ts';
import type { Conn } from '../db/connect.ts';
import { inTransaction } from '../db/transaction.ts';
import { getProject } from '../projects/projects.service.ts';
import { nowIso } from '../shared/clock.ts';
import { conflict } from '../shared/errors.ts';
import {
  defaultSettings,
  settingsKeys,
  type ProjectSettings,
  type Settings,
  type SettingsOverrides,
  type SettingsPatch,
} from './settings.schema.ts';
import {
  findGlobalOverrides,
  findProjectOverrides,
  listAllProjectOverrides,
  saveGlobalOverrides,
  saveProjectOverrides,
} from './settings.repository.ts';

/** Layers overrides over a base: a key present in an override replaces the whole value. */
export function mergeSettings(base: Settings, ...layers: SettingsOverrides[]): Settings {
  const merged: Settings = structuredClone(base);
  for (const layer of layers) {
    for (const key of settingsKeys) {
      const value = layer[key];
      if (value !== undefined) Object.assign(merged, { [key]: structuredClone(value) });
    }
  }
  return merged;
}

/** The settings in force: defaults, then the global settings, then the project's overrides. */
export async function getEffectiveSettings(conn: Conn, projectId?: string): Promise<Settings> {
  const global = await findGlobalOverrides(conn);
  const project = projectId === undefined ? {} : await findProjectOverrides(conn, projectId);
  return mergeSettings(defaultSettings, global, project);
}

export function getGlobalSettings(conn: Conn): Promise<Settings> {
  return getEffectiveSettings(conn);
}

/** The project's effective settings and which keys it overrides. */
export async function getProjectSettings(conn: Conn, projectId: string): Promise<ProjectSettings> {
  await getProject(conn, projectId);
  const global = await findGlobalOverrides(conn);
  const overrides = await findProjectOverrides(conn, projectId);
  return {
    ...mergeSettings(defaultSettings, global, overrides),
    overriddenKeys: settingsKeys.filter((k) => overrides[k] !== undefined),
  };
}

/** A key set to a value replaces it, `null` removes it, absent keeps it. */
function applyPatch(overrides: SettingsOverrides, patch: SettingsPatch): SettingsOverrides {
  const next: SettingsOverrides = { ...overrides };
  for (const key of settingsKeys) {
    const value = patch[key];
    if (value === null) delete next[key];
    else if (value !== undefined) Object.assign(next, { [key]: value });
  }
  return next;
}

interface LostOption {
  kind: 'browser' | 'viewport';
  name: string;
  batches: BatchRef[];
}

function offered(settings: Settings): Record<LostOption['kind'], string[]> {
  return { browser: settings.browsers, viewport: settings.viewports.map((v) => v.name) };
}

/**
 * Refuses (409) a change that takes away a browser or viewport a batch uses, naming every such
 * batch. `effectiveFor` gives a project's settings before and after the change.
 */
function assertStillOffered(
  batches: BatchUsage[],
  effectiveFor: (projectId: string) => { before: Settings; after: Settings },
): void {
  const lost = new Map<string, LostOption>();
  for (const batch of batches) {
    const { before, after } = effectiveFor(batch.projectId);
    const was = offered(before);
    const is = offered(after);
    const uses = { browser: batch.browsers, viewport: batch.viewports };
    for (const kind of ['browser', 'viewport'] as const) {
      for (const name of uses[kind]) {
        if (!was[kind].includes(name) || is[kind].includes(name)) continue;
        const key = `${kind} ${name}`;
        const entry = lost.get(key) ?? { kind, name, batches: [] };
        entry.batches.push({ id: batch.id, name: batch.name });
        lost.set(key, entry);
      }
    }
  }
  if (lost.size === 0) return;
  const message = [...lost.values()]
    .map((l) => `${l.kind} '${l.name}' is used by ${describeBatches(l.batches)}`)
    .join('; ');
  throw conflict(`${message}: remove it from those batches first, then from the settings`, {
    inUse: [...lost.values()],
  });
}

export function updateGlobalSettings(
  ctx: AppContext,
  patch: SettingsPatch,
  actor: Actor,
): Promise<Settings> {
  return inTransaction(ctx.db, async (trx) => {
    const beforeOverrides = await findGlobalOverrides(trx);
    const afterOverrides = applyPatch(beforeOverrides, patch);
    const before = mergeSettings(defaultSettings, beforeOverrides);
    const after = mergeSettings(defaultSettings, afterOverrides);
    const projectOverrides = await listAllProjectOverrides(trx);
    assertStillOffered(await listBatchUsage(trx), (projectId) => {
      const project = projectOverrides.get(projectId) ?? {};
      return { before: mergeSettings(before, project), after: mergeSettings(after, project) };
    });
    await saveGlobalOverrides(trx, afterOverrides, nowIso());
    await recordAudit(trx, {
      actor,
      action: 'update',
      entityType: 'settings',
      entityId: 'global',
      projectId: null,
      before,
      after,
    });
    return after;
  });
}

/** Changes the project's overrides; the audit entry records the overrides (null = inherited). */
export function updateProjectSettings(
  ctx: AppContext,
  projectId: string,
  patch: SettingsPatch,
  actor: Actor,
): Promise<ProjectSettings> {
  return inTransaction(ctx.db, async (trx) => {
    await getProject(trx, projectId);
    const global = mergeSettings(defaultSettings, await findGlobalOverrides(trx));
    const beforeOverrides = await findProjectOverrides(trx, projectId);
    const afterOverrides = applyPatch(beforeOverrides, patch);
    const before = mergeSettings(global, beforeOverrides);
    const after = mergeSettings(global, afterOverrides);
    assertStillOffered(await listBatchUsage(trx, projectId), () => ({ before, after }));
    await saveProjectOverrides(trx, projectId, afterOverrides, nowIso());
    await recordAudit(trx, {
      actor,
      action: 'update',
      entityType: 'settings',
      entityId: projectId,
      projectId,
      before: beforeOverrides,
      after: afterOverrides,
    });
    return {
      ...after,
      overriddenKeys: settingsKeys.filter((k) => afterOverrides[k] !== undefined),
    };
  });
}
