import { Migrator, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import type { Db } from './connect.ts';
import * as initial from './migrations/2026-11-21T1300-initial.ts';
import * as executionLeases from './migrations/2026-11-30T0200-execution-leases.ts';
import * as installation from './migrations/2026-11-30T0210-installation.ts';
import * as branches from './migrations/2026-11-30T0230-branches.ts';
import * as deterministicPages from './migrations/2026-11-30T0240-deterministic-pages.ts';
import * as contentAddressedArtifacts from './migrations/2026-11-30T0250-content-addressed-artifacts.ts';
import * as usersAndTokens from './migrations/2026-11-30T0300-users-and-tokens.ts';
import * as devicesAndEnvironment from './migrations/2026-11-30T0310-devices-and-environment.ts';
import * as review from './migrations/2026-11-30T0320-review.ts';
import * as schedules from './migrations/2026-11-30T0330-schedules.ts';
import * as layoutSnapshots from './migrations/2026-11-30T0410-layout-snapshots.ts';
import * as captureScopeAndVideo from './migrations/2026-11-30T0430-capture-scope-and-video.ts';
import * as executionLevelPercent from './migrations/2026-11-30T0520-execution-level-percent.ts';

// Migrations are listed here rather than read from disk, so they run the same from source,
// from a bundle, and in tests. Names sort by date: add new ones at the end.
const migrations: Record<string, Migration> = {
  '2026-11-21T1300-initial': initial,
  '2026-11-30T0200-execution-leases': executionLeases,
  '2026-11-30T0210-installation': installation,
  '2026-11-30T0230-branches': branches,
  '2026-11-30T0240-deterministic-pages': deterministicPages,
  '2026-11-30T0250-content-addressed-artifacts': contentAddressedArtifacts,
  '2026-11-30T0300-users-and-tokens': usersAndTokens,
  '2026-11-30T0310-devices-and-environment': devicesAndEnvironment,
  '2026-11-30T0320-review': review,
  '2026-11-30T0330-schedules': schedules,
  '2026-11-30T0410-layout-snapshots': layoutSnapshots,
  '2026-11-30T0430-capture-scope-and-video': captureScopeAndVideo,
  '2026-11-30T0520-execution-level-percent': executionLevelPercent,
};

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };

export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    const reason =
      result.error instanceof Error ? result.error.message : JSON.stringify(result.error);
    throw new Error(`migration ${failed} failed: ${reason}`, { cause: result.error });
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
