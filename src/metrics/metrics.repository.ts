import type { Conn } from '../db/connect.ts';
/** Executions per status across every run, for /metrics (one grouped count at scrape time). */
export async function countExecutionsByStatus(
  db: Conn,
): Promise<{ status: string; count: number }[]> {
  const rows = await db
    .selectFrom('executions')
    .select(['status', (eb) => eb.fn.countAll<number | string>().as('count')])
    .groupBy('status')
    .execute();
  // Postgres answers count(*) as a bigint, which pg hands over as a string.
  return rows.map((row) => ({ status: row.status, count: Number(row.count) }));
}
