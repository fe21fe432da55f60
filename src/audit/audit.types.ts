export type AuditAction =
  'create' | 'update' | 'delete' | 'login' | 'login_failed' | 'logout' | 'revoke';

export type AuditEntityType =
  | 'project'
  | 'page'
  | 'task'
  | 'batch'
  | 'settings'
  | 'run'
  | 'execution'
  | 'baseline'
  | 'webhook'
  | 'user'
  | 'token'
  | 'membership'
  | 'schedule';

/** Field path → value before and after. Secrets appear only as '[redacted]'. */
export type AuditChanges = Record<string, { before: unknown; after: unknown }>;

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: AuditAction;
  entityType: AuditEntityType;
  entityId: string;
  projectId: string | null;
  changes: AuditChanges;
}

/**
 * Who made a change: `user:<email>` or `token:<name> (<email>)` when authentication is
 * required; else 'api', 'ui', 'system', or a label a client sent.
 */
export type Actor = string;
