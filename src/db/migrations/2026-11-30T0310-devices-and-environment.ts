import type { Kysely } from 'kysely';

// Frozen in time: this file imports no application code.
//
// Issue 18, devices and environment fingerprints:
// - executions.viewport_device: the viewport's device emulation as JSON
//   ({deviceScaleFactor?, isMobile?, hasTouch?, userAgent?}); null: a plain desktop viewport
//   (DPR 1), which is what rows created before this migration were.
// - executions.environment: JSON fingerprint of what rendered the screenshot (browser and
//   version, OS, fonts, DPR, Scene version); null before this migration or when it failed early.
// - executions.environment_drift: JSON list of the fingerprint fields that differ from the
//   baseline entry it was compared with; null: none, or not compared.
// - baseline_entries.environment: the fingerprint of the execution the entry came from.
// - batches.on_environment_drift: 'fail' | 'warn' | 'ignore'; null: the default (warn).

type AnyDb = Kysely<Record<string, never>>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('executions').addColumn('viewport_device', 'text').execute();
  await db.schema.alterTable('executions').addColumn('environment', 'text').execute();
  await db.schema.alterTable('executions').addColumn('environment_drift', 'text').execute();
  await db.schema.alterTable('baseline_entries').addColumn('environment', 'text').execute();
  await db.schema.alterTable('batches').addColumn('on_environment_drift', 'text').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('batches').dropColumn('on_environment_drift').execute();
  await db.schema.alterTable('baseline_entries').dropColumn('environment').execute();
  await db.schema.alterTable('executions').dropColumn('environment_drift').execute();
  await db.schema.alterTable('executions').dropColumn('environment').execute();
  await db.schema.alterTable('executions').dropColumn('viewport_device').execute();
}
