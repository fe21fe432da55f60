import { sql, type Kysely } from 'kysely';

// Frozen in time: this file imports no application code.
//
// Portable choices, so one set of queries serves SQLite and Postgres:
// - timestamps are ISO-8601 UTC text of fixed width (they sort as text);
// - booleans are integers 0/1 (better-sqlite3 cannot bind JS booleans);
// - lists and objects are JSON text, parsed by the repositories;
// - append-only logs get an integer sequence, the only auto-increment columns.

type AnyDb = Kysely<Record<string, never>>;

function isPostgres(db: AnyDb): boolean {
  return db.getExecutor().adapter.constructor.name === 'PostgresAdapter';
}

export async function up(db: AnyDb): Promise<void> {
  const pg = isPostgres(db);
  const seq = pg
    ? sql`bigint generated always as identity primary key`
    : sql`integer primary key autoincrement`;
  const s = db.schema;

  await s
    .createTable('projects')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('description', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await s
    .createIndex('projects_created_idx')
    .on('projects')
    .columns(['created_at', 'id'])
    .execute();

  // One row, id 'global'. Per-project overrides live in project_settings.
  await s
    .createTable('settings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await s
    .createTable('project_settings')
    .addColumn('project_id', 'text', (c) =>
      c.primaryKey().references('projects.id').onDelete('cascade'),
    )
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await s
    .createTable('pages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) =>
      c.notNull().references('projects.id').onDelete('cascade'),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('reference_url', 'text')
    .addColumn('basic_auth_username', 'text')
    .addColumn('basic_auth_password', 'text') // secret: never leaves the repository unredacted
    .addColumn('actions', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('script', 'text')
    .addColumn('hide_selectors', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('remove_selectors', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('mask_selectors', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('ignore_regions', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('wait_ms', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('pages_project_name_uq', ['project_id', 'name'])
    .execute();
  await s
    .createIndex('pages_project_created_idx')
    .on('pages')
    .columns(['project_id', 'created_at', 'id'])
    .execute();

  await s
    .createTable('tasks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) =>
      c.notNull().references('projects.id').onDelete('cascade'),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('actions', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('script', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('tasks_project_name_uq', ['project_id', 'name'])
    .execute();
  await s
    .createIndex('tasks_project_created_idx')
    .on('tasks')
    .columns(['project_id', 'created_at', 'id'])
    .execute();

  await s
    .createTable('batches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) =>
      c.notNull().references('projects.id').onDelete('cascade'),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('browsers', 'text', (c) => c.notNull())
    .addColumn('viewports', 'text', (c) => c.notNull())
    .addColumn('jira_issue', 'text')
    .addColumn('execution_diff_threshold', 'double precision', (c) => c.notNull())
    .addColumn('run_diff_threshold', 'double precision', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('batches_project_name_uq', ['project_id', 'name'])
    .execute();
  await s
    .createIndex('batches_project_created_idx')
    .on('batches')
    .columns(['project_id', 'created_at', 'id'])
    .execute();

  // A batch's page and task selection, in order. Pages and tasks in use cannot be deleted (restrict).
  await s
    .createTable('batch_pages')
    .addColumn('batch_id', 'text', (c) => c.notNull().references('batches.id').onDelete('cascade'))
    .addColumn('page_id', 'text', (c) => c.notNull().references('pages.id').onDelete('restrict'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('batch_pages_pk', ['batch_id', 'page_id'])
    .execute();
  await s.createIndex('batch_pages_page_idx').on('batch_pages').column('page_id').execute();
  await s
    .createTable('batch_tasks')
    .addColumn('batch_id', 'text', (c) => c.notNull().references('batches.id').onDelete('cascade'))
    .addColumn('task_id', 'text', (c) => c.notNull().references('tasks.id').onDelete('restrict'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('batch_tasks_pk', ['batch_id', 'task_id'])
    .execute();
  await s.createIndex('batch_tasks_task_idx').on('batch_tasks').column('task_id').execute();

  // Stored files. run_id is cleared (not cascaded) when a run is deleted, so that an image
  // still referenced by a baseline entry survives its run.
  await s
    .createTable('artifacts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) =>
      c.notNull().references('projects.id').onDelete('cascade'),
    )
    .addColumn('run_id', 'text')
    .addColumn('execution_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('storage_key', 'text', (c) => c.notNull().unique())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('byte_size', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('width', 'integer')
    .addColumn('height', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await s.createIndex('artifacts_run_idx').on('artifacts').column('run_id').execute();
  await s.createIndex('artifacts_execution_idx').on('artifacts').column('execution_id').execute();
  await s.createIndex('artifacts_project_idx').on('artifacts').column('project_id').execute();

  await s
    .createTable('baselines')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) =>
      c.notNull().references('projects.id').onDelete('cascade'),
    )
    .addColumn('batch_id', 'text', (c) => c.notNull().references('batches.id').onDelete('cascade'))
    .addColumn('source_run_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await s
    .createIndex('baselines_batch_created_idx')
    .on('baselines')
    .columns(['batch_id', 'created_at', 'id'])
    .execute();

  // matrix_key = pageId|taskId|browser|viewportName (taskId empty for "as loaded").
  // A superseded entry (approval replaced it) is kept as history.
  await s
    .createTable('baseline_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('baseline_id', 'text', (c) =>
      c.notNull().references('baselines.id').onDelete('cascade'),
    )
    .addColumn('matrix_key', 'text', (c) => c.notNull())
    .addColumn('page_id', 'text', (c) => c.notNull())
    .addColumn('task_id', 'text')
    .addColumn('browser', 'text', (c) => c.notNull())
    .addColumn('viewport_name', 'text', (c) => c.notNull())
    .addColumn('artifact_id', 'text', (c) =>
      c.notNull().references('artifacts.id').onDelete('restrict'),
    )
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('source_execution_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('superseded_at', 'text')
    .execute();
  await sql`create unique index baseline_entries_current_uq on baseline_entries (baseline_id, matrix_key) where superseded_at is null`.execute(
    db,
  );
  await s
    .createIndex('baseline_entries_artifact_idx')
    .on('baseline_entries')
    .column('artifact_id')
    .execute();

  await s
    .createTable('runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) =>
      c.notNull().references('projects.id').onDelete('cascade'),
    )
    .addColumn('batch_id', 'text', (c) => c.notNull().references('batches.id').onDelete('cascade'))
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('baseline_id', 'text', (c) => c.references('baselines.id').onDelete('set null'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('jira_issue', 'text')
    .addColumn('cancel_reason', 'text')
    .addColumn('deadline_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .execute();
  await s.createIndex('runs_created_idx').on('runs').columns(['created_at', 'id']).execute();
  await s
    .createIndex('runs_project_created_idx')
    .on('runs')
    .columns(['project_id', 'created_at', 'id'])
    .execute();
  await s
    .createIndex('runs_batch_created_idx')
    .on('runs')
    .columns(['batch_id', 'created_at', 'id'])
    .execute();
  await s.createIndex('runs_status_idx').on('runs').columns(['status', 'created_at']).execute();
  await s.createIndex('runs_jira_idx').on('runs').columns(['jira_issue', 'created_at']).execute();

  // page_id/task_id carry no foreign key: a run's history outlives edits to its pages and tasks;
  // page_name/task_name keep what they were called at launch.
  await s
    .createTable('executions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('matrix_key', 'text', (c) => c.notNull())
    .addColumn('page_id', 'text', (c) => c.notNull())
    .addColumn('page_name', 'text', (c) => c.notNull())
    .addColumn('task_id', 'text')
    .addColumn('task_name', 'text')
    .addColumn('browser', 'text', (c) => c.notNull())
    .addColumn('viewport_name', 'text', (c) => c.notNull())
    .addColumn('viewport_width', 'integer', (c) => c.notNull())
    .addColumn('viewport_height', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('cancel_reason', 'text')
    .addColumn('http_status', 'integer')
    .addColumn('final_url', 'text')
    .addColumn('baseline_entry_id', 'text')
    .addColumn('diff_pixels', 'integer')
    .addColumn('diff_percent', 'double precision')
    .addColumn('diff_level', 'text')
    .addColumn('diff_details', 'text') // JSON: changed regions, size change
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .execute();
  await s
    .createIndex('executions_run_idx')
    .on('executions')
    .columns(['run_id', 'position'])
    .execute();
  await s
    .createIndex('executions_status_idx')
    .on('executions')
    .columns(['status', 'run_id'])
    .execute();

  await s
    .createTable('run_log')
    .addColumn('seq', sql`${seq}`)
    .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('execution_id', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('data', 'text')
    .execute();
  await s.createIndex('run_log_run_idx').on('run_log').columns(['run_id', 'seq']).execute();

  await s
    .createTable('webhooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) =>
      c.notNull().references('projects.id').onDelete('cascade'),
    )
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('secret', 'text', (c) => c.notNull()) // secret: never returned after creation/rotation
    .addColumn('disabled_reason', 'text')
    .addColumn('failing_since', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await s
    .createIndex('webhooks_project_created_idx')
    .on('webhooks')
    .columns(['project_id', 'created_at', 'id'])
    .execute();

  // The outbox: one row per (event, webhook), written in the transaction of the change.
  await s
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('webhook_id', 'text', (c) =>
      c.notNull().references('webhooks.id').onDelete('cascade'),
    )
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text')
    .addColumn('last_attempt_at', 'text')
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('delivered_at', 'text')
    .execute();
  await s
    .createIndex('webhook_deliveries_due_idx')
    .on('webhook_deliveries')
    .columns(['status', 'next_attempt_at'])
    .execute();
  await s
    .createIndex('webhook_deliveries_webhook_idx')
    .on('webhook_deliveries')
    .columns(['webhook_id', 'created_at', 'id'])
    .execute();

  await s
    .createTable('webhook_attempts')
    .addColumn('seq', sql`${seq}`)
    .addColumn('delivery_id', 'text', (c) =>
      c.notNull().references('webhook_deliveries.id').onDelete('cascade'),
    )
    .addColumn('attempted_at', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('error', 'text')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('response_excerpt', 'text')
    .execute();
  await s
    .createIndex('webhook_attempts_delivery_idx')
    .on('webhook_attempts')
    .columns(['delivery_id', 'seq'])
    .execute();

  // Append-only; no foreign keys, so the record of a deletion outlives what was deleted.
  await s
    .createTable('audit_log')
    .addColumn('seq', sql`${seq}`)
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('project_id', 'text')
    .addColumn('changes', 'text', (c) => c.notNull())
    .execute();
  await s.createIndex('audit_project_idx').on('audit_log').columns(['project_id', 'seq']).execute();
  await s
    .createIndex('audit_entity_idx')
    .on('audit_log')
    .columns(['entity_type', 'entity_id', 'seq'])
    .execute();
  await s.createIndex('audit_at_idx').on('audit_log').columns(['at']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of [
    'audit_log',
    'webhook_attempts',
    'webhook_deliveries',
    'webhooks',
    'run_log',
    'executions',
    'runs',
    'baseline_entries',
    'baselines',
    'artifacts',
    'batch_tasks',
    'batch_pages',
    'batches',
    'tasks',
    'pages',
    'project_settings',
    'settings',
    'projects',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
