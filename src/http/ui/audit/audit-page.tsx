import type { AuditEntityType, AuditEntry } from '../../../audit/audit.types.ts';
import type { Page } from '../../../db/pagination.ts';
import type { Project } from '../../../projects/project.schema.ts';
import { EmptyState } from '../components/empty-state.tsx';
import { SelectField, TextField } from '../components/fields.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { Pager } from '../components/pager.tsx';
import { Time } from '../components/time.tsx';
import { Layout, type PageContext } from '../layout/layout.tsx';

export const auditEntityTypes = [
  'project',
  'page',
  'task',
  'batch',
  'settings',
  'run',
  'execution',
  'baseline',
  'webhook',
  'user',
  'token',
  'membership',
] as const satisfies readonly AuditEntityType[];

export interface AuditFilters {
  projectId?: string | undefined;
  entityType?: string | undefined;
  entityId?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
}

function entityHref(entry: AuditEntry): string | undefined {
  const project = entry.projectId;
  switch (entry.entityType) {
    case 'project':
      return entry.action === 'delete' ? undefined : `/projects/${entry.entityId}`;
    case 'run':
      return entry.action === 'delete' ? undefined : `/runs/${entry.entityId}`;
    case 'execution':
      return `/executions/${entry.entityId}`;
    case 'page':
    case 'task':
    case 'batch':
    case 'webhook':
      return project
        ? `/projects/${project}/${entry.entityType === 'batch' ? 'batches' : `${entry.entityType}s`}`
        : undefined;
    case 'settings':
      return entry.entityId === 'global' ? '/settings' : `/projects/${entry.entityId}/settings`;
    case 'baseline':
    case 'user':
    case 'token':
    case 'membership':
    case 'schedule':
      return undefined;
  }
}

function shortValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

function Changes(props: { entry: AuditEntry }) {
  const fields = Object.entries(props.entry.changes);
  if (fields.length === 0) return <span class="muted">—</span>;
  return (
    <details class="audit-changes">
      <summary safe>{`${fields.length} field${fields.length === 1 ? '' : 's'}: ${fields
        .map(([f]) => f)
        .slice(0, 4)
        .join(', ')}${fields.length > 4 ? '…' : ''}`}</summary>
      <table class="changes-table">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Before</th>
            <th scope="col">After</th>
          </tr>
        </thead>
        <tbody>
          {fields.map(([field, change]) => (
            <tr>
              <th scope="row" class="mono" safe>
                {field}
              </th>
              <td class="mono" safe>
                {shortValue(change.before)}
              </td>
              <td class="mono" safe>
                {shortValue(change.after)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

export function AuditPage(props: {
  page: PageContext;
  entries: Page<AuditEntry>;
  projects: Project[];
  filters: AuditFilters;
  cursor?: string | undefined;
}) {
  const projectName = new Map(props.projects.map((p) => [p.id, p.name]));
  const { filters } = props;
  return (
    <Layout title="Audit log" section="audit" page={props.page}>
      <PageHeader
        title="Audit log"
        subtitle="Every change: who, when, what, before and after. Newest first."
      />
      <form
        class="filters card"
        method="get"
        action="/audit"
        role="search"
        aria-label="Filter the audit log"
      >
        <SelectField
          name="projectId"
          label="Project"
          value={filters.projectId}
          emptyLabel="All projects"
          options={props.projects.map((p) => ({ value: p.id, label: p.name }))}
        />
        <SelectField
          name="entityType"
          label="Entity"
          value={filters.entityType}
          emptyLabel="All entities"
          options={auditEntityTypes.map((t) => ({ value: t, label: t }))}
        />
        <TextField name="entityId" label="Entity id" value={filters.entityId} />
        <div class="field">
          <label for="field-since">From (UTC day)</label>
          <input id="field-since" type="date" name="since" value={filters.since} />
        </div>
        <div class="field">
          <label for="field-until">To (UTC day, inclusive)</label>
          <input id="field-until" type="date" name="until" value={filters.until} />
        </div>
        <div class="button-row">
          <button type="submit" class="button primary">
            Filter
          </button>
          <a class="button" href="/audit">
            Clear
          </a>
        </div>
      </form>
      {props.entries.items.length === 0 ? (
        <EmptyState title={props.cursor ? 'No older entries' : 'No audit entries match'} />
      ) : (
        <div class="table-wrap">
          <table id="audit-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Change</th>
                <th scope="col" class="hide-narrow">
                  Project
                </th>
                <th scope="col">Fields</th>
              </tr>
            </thead>
            <tbody>
              {props.entries.items.map((entry) => {
                const href = entityHref(entry);
                return (
                  <tr>
                    <td class="num">
                      <Time iso={entry.at} />
                      <div class="cell-sub" safe>
                        {entry.actor}
                      </div>
                    </td>
                    <td>
                      <span class={`badge badge-action-${entry.action}`} safe>
                        {entry.action}
                      </span>{' '}
                      <span safe>{entry.entityType}</span>{' '}
                      {href ? (
                        <a class="mono" href={href} safe>
                          {entry.entityId}
                        </a>
                      ) : (
                        <span class="mono" safe>
                          {entry.entityId}
                        </span>
                      )}
                    </td>
                    <td class="hide-narrow" safe>
                      {entry.projectId
                        ? (projectName.get(entry.projectId) ?? entry.projectId)
                        : '—'}
                    </td>
                    <td>
                      <Changes entry={entry} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        path="/audit"
        query={{ ...filters }}
        nextCursor={props.entries.nextCursor}
        cursor={props.cursor}
      />
    </Layout>
  );
}
