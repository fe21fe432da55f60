import type { Config } from '../config/config.ts';
import { connectDatabase, describeDatabase } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';
import type { Logger } from '../shared/logger.ts';

/** `scene migrate`: applies pending migrations and exits. */
export async function migrate(config: Config, logger: Logger): Promise<void> {
  const db = connectDatabase(config.database, logger);
  try {
    const applied = await migrateToLatest(db);
    logger.info(
      { database: describeDatabase(config.database), applied },
      applied.length > 0 ? `applied ${applied.length} migration(s)` : 'database is up to date',
    );
  } finally {
    await db.destroy();
  }
}
