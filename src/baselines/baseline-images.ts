import type { Conn } from '../db/connect.ts';
import { newId } from '../shared/ids.ts';
import {
  insertBaselineEntry,
  supersedeCurrentEntry,
  touchBaseline,
  type NewBaselineEntry,
} from './baselines.repository.ts';

/** The cell of a baseline an image is for, and the image. */
export type BaselineImage = Omit<NewBaselineEntry, 'id' | 'createdAt'>;

export interface RecordedImage {
  entryId: string;
  /** The entry it replaced (kept as history), if the cell had one. */
  previousEntryId: string | null;
}

/**
 * The one way an image becomes the current image of a baseline cell: a baseline run's capture,
 * an approval (single, bulk, or the undo of one) and a revert all come here. The cell's
 * current entry is superseded (kept as history, newest first in GET /baselines/{id}/history)
 * and a new entry written; the baseline's updatedAt moves.
 */
export async function recordBaselineImage(
  trx: Conn,
  image: BaselineImage,
  now: string,
): Promise<RecordedImage> {
  const previousEntryId =
    (await supersedeCurrentEntry(trx, image.baselineId, image.matrixKey, now)) ?? null;
  const entryId = newId();
  await insertBaselineEntry(trx, { ...image, id: entryId, createdAt: now });
  await touchBaseline(trx, image.baselineId, now);
  return { entryId, previousEntryId };
}

/**
 * Takes the cell's image out of the baseline (kept as history): undoing the approval that
 * added a new page's first image. Returns the retired entry's id, if the cell had one.
 */
export async function retireBaselineImage(
  trx: Conn,
  baselineId: string,
  matrixKey: string,
  now: string,
): Promise<string | null> {
  const retired = (await supersedeCurrentEntry(trx, baselineId, matrixKey, now)) ?? null;
  if (retired !== null) await touchBaseline(trx, baselineId, now);
  return retired;
}
