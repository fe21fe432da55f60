import type { Conn } from '../db/connect.ts';
import {
  defaultSettings,
  settingsKeys,
  type Settings,
  type SettingsOverrides,
} from './settings.schema.ts';
import { findGlobalOverrides, findProjectOverrides } from './settings.repository.ts';

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
