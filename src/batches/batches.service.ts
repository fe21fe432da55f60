import type { Conn } from '../db/connect.ts';
import { notFound } from '../shared/errors.ts';
import type { Batch } from './batch.schema.ts';
import { findBatch } from './batches.repository.ts';

export async function getBatch(conn: Conn, id: string): Promise<Batch> {
  const batch = await findBatch(conn, id);
  if (!batch) throw notFound('batch', id);
  return batch;
}
