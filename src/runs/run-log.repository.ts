import type { Conn } from '../db/connect.ts';
import type { NewRunLogLine, RunLogLine } from './run.schema.ts';

export async function insertRunLogLines(
  conn: Conn,
  runId: string,
  lines: readonly NewRunLogLine[],
): Promise<void> {
  for (let i = 0; i < lines.length; i += 200) {
    await conn
      .insertInto('run_log')
      .values(
        lines.slice(i, i + 200).map((line) => ({
          run_id: runId,
          execution_id: line.executionId ?? null,
          at: line.at,
          level: line.level,
          kind: line.kind,
          message: line.message,
        })),
      )
      .execute();
  }
}

export async function listRunLogLines(
  conn: Conn,
  runId: string,
  options: { afterSeq: number; limit: number; executionId?: string | undefined },
): Promise<RunLogLine[]> {
  let query = conn
    .selectFrom('run_log')
    .select(['seq', 'at', 'level', 'kind', 'execution_id', 'message'])
    .where('run_id', '=', runId)
    .where('seq', '>', options.afterSeq);
  if (options.executionId !== undefined) {
    query = query.where('execution_id', '=', options.executionId);
  }
  const rows = await query.orderBy('seq').limit(options.limit).execute();
  return rows.map((row) => ({
    seq: Number(row.seq),
    at: row.at,
    level: row.level as RunLogLine['level'],
    kind: row.kind,
    ...(row.execution_id !== null && { executionId: row.execution_id }),
    message: row.message,
  }));
}
