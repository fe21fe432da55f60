import type { Conn } from '../db/connect.ts';
import { fromJson, toJson } from '../db/json.ts';
import type { SettingsOverrides } from './settings.schema.ts';

// Both tables hold only the keys set explicitly (validated before writing): global values
// override the built-in defaults, a project's values override the global ones.

const globalId = 'global';

export async function findGlobalOverrides(conn: Conn): Promise<SettingsOverrides> {
  const row = await conn
    .selectFrom('settings')
    .select('data')
    .where('id', '=', globalId)
    .executeTakeFirst();
  return fromJson<SettingsOverrides>(row?.data, {});
}

export async function saveGlobalOverrides(
  conn: Conn,
  overrides: SettingsOverrides,
  updatedAt: string,
): Promise<void> {
  const data = toJson(overrides);
  await conn
    .insertInto('settings')
    .values({ id: globalId, data, updated_at: updatedAt })
    .onConflict((oc) => oc.column('id').doUpdateSet({ data, updated_at: updatedAt }))
    .execute();
}

export async function findProjectOverrides(
  conn: Conn,
  projectId: string,
): Promise<SettingsOverrides> {
  const row = await conn
    .selectFrom('project_settings')
    .select('data')
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  return fromJson<SettingsOverrides>(row?.data, {});
}

/** Every project's overrides, by project id (projects without overrides are absent). */
export async function listAllProjectOverrides(conn: Conn): Promise<Map<string, SettingsOverrides>> {
  const rows = await conn.selectFrom('project_settings').select(['project_id', 'data']).execute();
  return new Map(rows.map((r) => [r.project_id, fromJson<SettingsOverrides>(r.data, {})]));
}

export async function saveProjectOverrides(
  conn: Conn,
  projectId: string,
  overrides: SettingsOverrides,
  updatedAt: string,
): Promise<void> {
  if (Object.keys(overrides).length === 0) {
    await conn.deleteFrom('project_settings').where('project_id', '=', projectId).execute();
    return;
  }
  const data = toJson(overrides);
  await conn
    .insertInto('project_settings')
    .values({ project_id: projectId, data, updated_at: updatedAt })
    .onConflict((oc) => oc.column('project_id').doUpdateSet({ data, updated_at: updatedAt }))
    .execute();
}
