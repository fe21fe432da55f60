export type AuditAction = 'create' | 'update' | 'delete';

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

/** Who made a change: 'api', 'ui', 'system', or a name a client sent. */
export type Actor = string;
