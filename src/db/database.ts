import type { Generated } from 'kysely';

// Row types, one per table, mirroring migrations/. Timestamps are ISO strings, booleans 0/1,
// lists and objects JSON text (see the initial migration for why).

export interface ProjectsTable {
  id: string;
  name: string;
  description: string | null;
  created_at: string;
  updated_at: string;
}

export interface SettingsTable {
  id: string;
  data: string;
  updated_at: string;
}

export interface ProjectSettingsTable {
  project_id: string;
  data: string;
  updated_at: string;
}

export interface PagesTable {
  id: string;
  project_id: string;
  name: string;
  url: string;
  reference_url: string | null;
  basic_auth_username: string | null;
  basic_auth_password: string | null;
  actions: string;
  script: string | null;
  hide_selectors: string;
  remove_selectors: string;
  mask_selectors: string;
  ignore_regions: string;
  wait_ms: number | null;
  freeze_time: Generated<number>;
  seed_random: Generated<number>;
  created_at: string;
  updated_at: string;
  /** JSON CaptureScope; null: fullPage (see the capture-scope migration). */
  capture: string | null;
}

export interface TasksTable {
  id: string;
  project_id: string;
  name: string;
  actions: string;
  script: string | null;
  /** JSON CaptureScope; null: the page's. */
  capture: string | null;
  created_at: string;
  updated_at: string;
}

export interface BatchesTable {
  id: string;
  project_id: string;
  name: string;
  browsers: string;
  viewports: string;
  jira_issue: string | null;
  execution_diff_threshold: number;
  run_diff_threshold: number;
  freeze_time: Generated<number>;
  seed_random: Generated<number>;
  frozen_time: string | null;
  /** 'fail' | 'warn' | 'ignore'; null: warn. */
  on_environment_drift: string | null;
  /** 1: grade executions by changedPercent; null or 0: by diffPercent. */
  ignore_moves: number | null;
  created_at: string;
  updated_at: string;
  /** 1: record a video of each execution. */
  record_video: Generated<number>;
}

export interface BatchPagesTable {
  batch_id: string;
  page_id: string;
  position: number;
}

export interface BatchTasksTable {
  batch_id: string;
  task_id: string;
  position: number;
}

export interface ArtifactsTable {
  id: string;
  project_id: string;
  run_id: string | null;
  execution_id: string | null;
  kind: string;
  storage_key: string;
  content_type: string;
  byte_size: number;
  sha256: string;
  width: number | null;
  height: number | null;
  created_at: string;
  /** The content-addressed object holding the bytes; null: they are under storage_key. */
  blob_key: string | null;
  /** Bytes this artifact added to the store when written (0 when its blob existed). */
  stored_bytes: Generated<number>;
}

/** One stored content-addressed object (see the 2026-12-01 migration). */
export interface BlobsTable {
  key: string;
  byte_size: number;
  created_at: string;
}

/** A writer's claim on a blob until its artifact row is recorded. */
export interface BlobPinsTable {
  id: string;
  blob_key: string;
  expires_at: string;
}

export interface BaselinesTable {
  id: string;
  project_id: string;
  batch_id: string;
  source_run_id: string | null;
  created_at: string;
  updated_at: string;
  branch: string | null;
  forked_from_id: string | null;
}

export interface BaselineEntriesTable {
  id: string;
  baseline_id: string;
  matrix_key: string;
  page_id: string;
  task_id: string | null;
  browser: string;
  viewport_name: string;
  artifact_id: string;
  sha256: string;
  source_execution_id: string | null;
  created_at: string;
  superseded_at: string | null;
  /** Who approved it into the baseline; null: recorded by a baseline run. */
  approved_by: string | null;
  /** JSON fingerprint of the execution the entry came from (see the devices migration). */
  environment: string | null;
  /** The layout snapshot taken with the image (see the layout-snapshots migration). */
  layout_artifact_id: string | null;
}

export interface RunsTable {
  id: string;
  project_id: string;
  batch_id: string;
  mode: string;
  baseline_id: string | null;
  status: string;
  jira_issue: string | null;
  cancel_reason: string | null;
  deadline_at: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  branch: string | null;
  base_branch: string | null;
  commit_sha: string | null;
  baseline_reason: string | null;
}

export interface ExecutionsTable {
  id: string;
  run_id: string;
  position: number;
  matrix_key: string;
  page_id: string;
  page_name: string;
  task_id: string | null;
  task_name: string | null;
  browser: string;
  viewport_name: string;
  viewport_width: number;
  viewport_height: number;
  status: string;
  attempt: number;
  error: string | null;
  cancel_reason: string | null;
  http_status: number | null;
  final_url: string | null;
  baseline_entry_id: string | null;
  diff_pixels: number | null;
  diff_percent: number | null;
  diff_level: string | null;
  /** The percent diff_level was graded on (see the execution-level-percent migration). */
  level_percent: number | null;
  diff_details: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  /** The process running it (while `running`): see the execution-leases migration. */
  owner: string | null;
  lease_expires_at: string | null;
  /** unreviewed | approved | rejected (see the review migration). */
  review_status: Generated<string>;
  reviewed_by: string | null;
  reviewed_at: string | null;
  /** JSON device emulation of the viewport; null: none (DPR 1). */
  viewport_device: string | null;
  /** JSON fingerprint of what rendered it. */
  environment: string | null;
  /** JSON [{field, baseline, observed}] against its baseline entry. */
  environment_drift: string | null;
  /** JSON CellCapture {scope, selector?}, fixed at launch; null: fullPage. */
  capture: string | null;
}

/** One bulk approval of a run's executions, kept so the last one can be undone. */
export interface BulkApprovalsTable {
  id: string;
  run_id: string;
  actor: string;
  /** JSON: BulkApprovalCell[] (src/baselines/bulk-approve.ts). */
  cells: string;
  created_at: string;
  undone_at: string | null;
}

/** One row: this installation's id (see the installation migration). */
export interface InstallationTable {
  id: string;
  created_at: string;
}

export interface RunLogTable {
  seq: Generated<number>;
  run_id: string;
  execution_id: string | null;
  at: string;
  level: string;
  kind: string;
  message: string;
  data: string | null;
}

export interface WebhooksTable {
  id: string;
  project_id: string;
  url: string;
  events: string;
  active: number;
  description: string | null;
  secret: string;
  disabled_reason: string | null;
  failing_since: string | null;
  created_at: string;
  updated_at: string;
}

export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  payload: string;
  status: string;
  attempts: number;
  next_attempt_at: string | null;
  last_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

export interface WebhookAttemptsTable {
  seq: Generated<number>;
  delivery_id: string;
  attempted_at: string;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  response_excerpt: string | null;
}

export interface AuditLogTable {
  seq: Generated<number>;
  id: string;
  at: string;
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string;
  project_id: string | null;
  changes: string;
}

export interface UsersTable {
  id: string;
  email: string;
  display_name: string;
  /** argon2id; null for a user who signs in only through SSO, or a service user. */
  password_hash: string | null;
  role: string;
  active: Generated<number>;
  oidc_subject: string | null;
  created_at: string;
  updated_at: string;
}

export interface SchedulesTable {
  id: string;
  project_id: string;
  batch_id: string;
  cron: string;
  timezone: string;
  mode: string;
  branch: string | null;
  active: number;
  created_at: string;
  updated_at: string;
}

export interface ProjectMembersTable {
  project_id: string;
  user_id: string;
  role: string;
  created_at: string;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  /** The user id of who created it (the owner, or an admin for a service user). */
  created_by: string;
  name: string;
  role: string;
  /** SHA-256 (hex) of the token; the token itself is shown once and never stored. */
  token_hash: string;
  /** The first characters of the token, to tell tokens apart in a list. */
  prefix: string;
  /** JSON array of project ids, or null: every project the owner can see. */
  project_ids: string | null;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
  created_at: string;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  /** SHA-256 (hex) of the cookie's secret. */
  secret_hash: string;
  created_at: string;
  last_seen_at: string;
  /** The absolute expiry (login + SCENE_SESSION_MAX_HOURS). */
  expires_at: string;
}

export interface ScheduleFiresTable {
  schedule_id: string;
  fire_at: string;
  claimed_by: string;
  outcome: string;
  run_id: string | null;
  detail: string | null;
  created_at: string;
}

export interface Database {
  projects: ProjectsTable;
  settings: SettingsTable;
  project_settings: ProjectSettingsTable;
  pages: PagesTable;
  tasks: TasksTable;
  batches: BatchesTable;
  batch_pages: BatchPagesTable;
  batch_tasks: BatchTasksTable;
  artifacts: ArtifactsTable;
  blobs: BlobsTable;
  blob_pins: BlobPinsTable;
  baselines: BaselinesTable;
  baseline_entries: BaselineEntriesTable;
  runs: RunsTable;
  executions: ExecutionsTable;
  bulk_approvals: BulkApprovalsTable;
  run_log: RunLogTable;
  installation: InstallationTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  audit_log: AuditLogTable;
  users: UsersTable;
  project_members: ProjectMembersTable;
  api_tokens: ApiTokensTable;
  sessions: SessionsTable;
  schedules: SchedulesTable;
  schedule_fires: ScheduleFiresTable;
}
