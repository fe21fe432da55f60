import type { Db } from '../db/connect.ts';

export type ProjectOwnedTable =
  | 'pages'
  | 'tasks'
  | 'batches'
  | 'webhooks'
  | 'baselines'
  | 'runs'
  | 'executions'
  | 'deliveries'
  | 'schedules'
  | 'baseline_entries'
  | 'artifacts';

/** The project a row belongs to; undefined when there is no such row. */
export async function projectOfRow(
  db: Db,
  table: ProjectOwnedTable,
  id: string,
): Promise<string | undefined> {
  switch (table) {
    case 'executions': {
      const row = await db
        .selectFrom('executions')
        .innerJoin('runs', 'runs.id', 'executions.run_id')
        .select('runs.project_id')
        .where('executions.id', '=', id)
        .executeTakeFirst();
      return row?.project_id;
    }
    case 'deliveries': {
      const row = await db
        .selectFrom('webhook_deliveries')
        .innerJoin('webhooks', 'webhooks.id', 'webhook_deliveries.webhook_id')
        .select('webhooks.project_id')
        .where('webhook_deliveries.id', '=', id)
        .executeTakeFirst();
      return row?.project_id;
    }
    case 'baseline_entries': {
      const row = await db
        .selectFrom('baseline_entries')
        .innerJoin('baselines', 'baselines.id', 'baseline_entries.baseline_id')
        .select('baselines.project_id')
        .where('baseline_entries.id', '=', id)
        .executeTakeFirst();
      return row?.project_id;
    }
    case 'artifacts': {
      const row = await db
        .selectFrom('artifacts')
        .select('project_id')
        .where('storage_key', '=', id)
        .executeTakeFirst();
      return row?.project_id;
    }
    default: {
      const row = await db
        .selectFrom(table)
        .select('project_id')
        .where('id', '=', id)
        .executeTakeFirst();
      return row?.project_id;
    }
  }
}
