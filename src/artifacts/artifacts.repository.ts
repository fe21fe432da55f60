import type { Conn } from '../db/connect.ts';

export async function listArtifactKeysOfProject(conn: Conn, projectId: string): Promise<string[]> {
  const rows = await conn
    .selectFrom('artifacts')
    .select('storage_key')
    .where('project_id', '=', projectId)
    .execute();
  return rows.map((r) => r.storage_key);
}
