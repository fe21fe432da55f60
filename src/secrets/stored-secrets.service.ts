import type { DatabaseConfig } from '../config/config.ts';
import { forgetRewrittenRows, type Db } from '../db/connect.ts';
import { sealStoredPagePasswords } from '../pages/pages.repository.ts';
import type { Logger } from '../shared/logger.ts';
import { sealStoredWebhookSecrets } from '../webhooks/webhooks.repository.ts';

/**
 * At start, after migrations: encrypts the secrets an earlier version stored in clear, and
 * checks that the key opens the encrypted ones — a wrong SCENE_SECRET_KEY stops the start
 * with a SecretKeyMismatchError instead of failing every run and delivery later. Idempotent:
 * a start after the first finds nothing to encrypt. (A step here rather than a migration:
 * migrations import no app code, and this one needs the key.)
 */
export async function sealStoredSecrets(
  db: Db,
  database: DatabaseConfig,
  logger: Logger,
): Promise<void> {
  const sealed = await db
    .transaction()
    .execute(
      async (trx) => (await sealStoredPagePasswords(trx)) + (await sealStoredWebhookSecrets(trx)),
    );
  if (sealed === 0) return;
  await forgetRewrittenRows(db, database);
  logger.info({ sealed }, `encrypted ${sealed} secret(s) stored in clear by an earlier version`);
}
