import type { ProjectOwnedTable } from '../../auth/project-of.ts';
import type { Permission } from '../../auth/roles.ts';

// What each route needs: one table for the whole server. A route may declare
// `config: { permission }` itself; otherwise the rules below decide, and a route no rule names
// gets the default of its method (GET/HEAD: read; anything else: edit). So a new route is
// never left open: at worst it asks more than it should.

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route needs (see auth/roles.ts); decided by permissionOfRoute when absent. */
    permission?: Permission;
  }
}

const rules: Array<[method: RegExp, url: RegExp, permission: Permission]> = [
  // open: health, the login page and its assets, SSO, the login API
  [/GET|HEAD/, /^\/healthz$/, 'public'],
  [/GET|HEAD/, /^\/static\//, 'public'],
  [/.*/, /^\/login$/, 'public'],
  [/.*/, /^\/auth\/oidc\//, 'public'],
  [/POST/, /^\/api\/v1\/auth\/login$/, 'public'],
  // any signed-in user or token: itself, its own tokens, logging out
  [/.*/, /^\/(api\/v1\/)?(auth\/)?logout$/, 'authenticated'],
  [/GET/, /^\/api\/v1\/me$/, 'authenticated'],
  [/.*/, /^\/api\/v1\/tokens(\/:id)?$/, 'authenticated'],
  [/.*/, /^\/account(\/.*)?$/, 'authenticated'],
  [/GET|HEAD/, /^\/metrics$/, 'metrics'],
  // admin: users, memberships, global settings
  [/.*/, /^\/(api\/v1\/)?users(\/.*)?$/, 'admin'],
  [/PUT|DELETE/, /^\/api\/v1\/projects\/:id\/members\/:userId$/, 'admin'],
  [/PATCH|POST|PUT/, /^\/(api\/v1\/)?settings$/, 'admin'],
  // reviewer: launch, cancel, retry runs; approve
  [/POST/, /\/approve(\/undo)?$/, 'approve'],
  [/POST/, /^(\/api\/v1)?\/executions\/:id\/reject$/, 'approve'],
  [/POST/, /^(\/api\/v1)?\/baseline-entries\/:id\/revert$/, 'approve'],
  [/POST/, /\/(cancel|retry)$/, 'run'],
  [/POST/, /^\/api\/v1\/batches\/:id\/runs$/, 'run'],
  [/POST/, /^\/runs$/, 'run'],
];

export function permissionOfRoute(method: string, url: string): Permission {
  for (const [m, u, permission] of rules) {
    if (m.test(method) && u.test(url)) return permission;
  }
  return method === 'GET' || method === 'HEAD' ? 'read' : 'edit';
}

/**
 * How the project a request touches is found, for credentials limited to some projects:
 * - `project`: the `:id` parameter is the project's id
 * - `owned`: the row `:id` (or the artifact key `*`) of this table names the project
 * - `query`: the `projectId` query parameter (lists across projects)
 * - `visible`: a page across projects (GET only): it lists only the principal's projects (the
 *   handler filters by visibleProjectIds); a `projectId` query parameter must be one of them
 * - `global`: no project (own account, version, settings, projects list: filtered)
 * - `unknown`: refused to limited credentials (fail closed)
 */
export type ProjectScope =
  | { kind: 'project' }
  | { kind: 'owned'; table: ProjectOwnedTable }
  | { kind: 'query' }
  | { kind: 'visible' }
  | { kind: 'global' }
  | { kind: 'unknown' };

const ownedTables = [
  'pages',
  'tasks',
  'batches',
  'webhooks',
  'baselines',
  'runs',
  'executions',
  'deliveries',
  'schedules',
] as const;

/** UI pages that list across projects: a limited principal sees its projects only. */
const uiPagesAcrossProjects = [
  '/projects',
  '/runs',
  '/runs/list',
  '/runs/launcher',
  '/runs/stream',
  '/audit',
];

export function projectScopeOfRoute(url: string): ProjectScope {
  const path = url.replace(/^\/api\/v1/, '');
  if (/^\/projects\/:id(\/|$)/.test(path)) return { kind: 'project' };
  if (path.startsWith('/baseline-entries/:id')) return { kind: 'owned', table: 'baseline_entries' };
  for (const table of ownedTables) {
    if (path.startsWith(`/${table}/:id`)) return { kind: 'owned', table };
  }
  if (path === '/artifacts/*' || path === '/thumbnails/*')
    return { kind: 'owned', table: 'artifacts' };
  if (['/runs', '/baselines', '/audit'].includes(path) && url.startsWith('/api/v1')) {
    return { kind: 'query' };
  }
  // the projects list is filtered for the API (by its handler)
  if (url === '/api/v1/projects') return { kind: 'global' };
  if (uiPagesAcrossProjects.includes(url)) return { kind: 'visible' };
  const global = [
    /^\/$/,
    /^\/me$/,
    /^\/tokens(\/:id)?$/,
    /^\/auth\//,
    /^\/(auth\/)?logout$/,
    /^\/login$/,
    /^\/version$/,
    /^\/browsers$/,
    /^\/viewport-presets$/,
    /^\/project-file\.schema\.json$/,
    /^\/settings$/,
    /^\/openapi\.json$/,
    /^\/api\/docs/,
    /^\/static\//,
    /^\/healthz$/,
    /^\/metrics$/,
    /^\/account/,
  ];
  if (global.some((r) => r.test(path))) return { kind: 'global' };
  return { kind: 'unknown' };
}
