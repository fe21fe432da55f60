import { z } from 'zod';

/** Global roles, weakest first: each has every permission of the ones before it. */
export const roles = ['viewer', 'reviewer', 'editor', 'admin'] as const;
export type Role = (typeof roles)[number];
export const roleSchema = z.enum(roles);

/**
 * What a route may need. A route declares one (or gets the default of its method, see
 * http/auth/route-permissions.ts); the auth hook checks it on every request.
 * - `public`: no credentials (health, login, the login page's assets)
 * - `authenticated`: any signed-in user or token (own profile, own tokens, logout)
 * - `read`: viewer; `run`: reviewer (launch, cancel, retry runs); `approve`: reviewer
 * - `edit`: editor (projects, pages, tasks, batches, webhooks, settings of a project, deletions)
 * - `admin`: users, memberships, others' tokens, global settings
 * - `metrics`: an admin, or any API token (for a Prometheus scraper)
 */
export const permissions = [
  'public',
  'authenticated',
  'read',
  'run',
  'approve',
  'edit',
  'admin',
  'metrics',
] as const;
export type Permission = (typeof permissions)[number];

const minimumRole: Record<Exclude<Permission, 'public' | 'authenticated' | 'metrics'>, Role> = {
  read: 'viewer',
  run: 'reviewer',
  approve: 'reviewer',
  edit: 'editor',
  admin: 'admin',
};

export function rank(role: Role): number {
  return roles.indexOf(role);
}

/** The weaker of two roles (a membership or a token narrows, never widens). */
export function weaker(a: Role, b: Role): Role {
  return rank(a) <= rank(b) ? a : b;
}

/** Whether a role grants a permission (public/authenticated/metrics are decided by the caller). */
export function roleGrants(role: Role, permission: Permission): boolean {
  if (permission === 'public' || permission === 'authenticated') return true;
  if (permission === 'metrics') return role === 'admin';
  return rank(role) >= rank(minimumRole[permission]);
}

/** The roles that have a permission, for the 403 message. */
export function rolesWith(permission: Permission): Role[] {
  return roles.filter((role) => roleGrants(role, permission));
}
