import type { AppContext } from '../app-context.ts';
import { artifactUrl } from '../artifacts/artifact-files.ts';
import type { Conn } from '../db/connect.ts';
import { absoluteUrls, baselineLinks, executionLinks } from '../runs/run-links.ts';
import { recordWebhookEvent } from '../webhooks/outbox.ts';
import type { Baseline } from './baseline.schema.ts';

/** What changed in one cell of a baseline, for its `baseline.updated` webhook event. */
export interface CellUpdate {
  baseline: Baseline;
  entry: {
    /** The cell's current entry now; null when the cell has no image any more (an undone add). */
    id: string | null;
    matrixKey: string;
    pageId: string;
    taskId: string | null;
    browser: string;
    viewport: { name: string; width?: number; height?: number };
    executionId: string | null;
    previousEntryId: string | null;
    /** The image's storage key; null when the cell has no image any more. */
    storageKey: string | null;
    /** approve (single or bulk), undo (of a bulk approval) or revert (to an earlier image). */
    cause: 'approve' | 'undo' | 'revert';
  };
}

/**
 * Writes the `baseline.updated` webhook event of one changed cell in the transaction that
 * changed it (every writer of baseline images calls this once per cell). The caller sets
 * `changes.webhookRecorded` and publishes the bus event after the commit.
 */
export async function recordBaselineUpdatedWebhook(
  ctx: AppContext,
  trx: Conn,
  update: CellUpdate,
): Promise<void> {
  const { baseline, entry } = update;
  const { storageKey, ...rest } = entry;
  await recordWebhookEvent(trx, {
    projectId: baseline.projectId,
    type: 'baseline.updated',
    data: {
      baseline,
      entry: {
        ...rest,
        image:
          storageKey === null
            ? null
            : absoluteUrls(ctx.config, { url: artifactUrl(storageKey) }).url,
      },
      links: {
        ...baselineLinks(ctx.config, baseline.id),
        ...(entry.executionId !== null && {
          execution: executionLinks(ctx.config, entry.executionId),
        }),
      },
    },
  });
}
