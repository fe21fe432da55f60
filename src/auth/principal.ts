import type { Role } from './roles.ts';

/** Who a request acts as, once its credentials are checked. */
export interface Principal {
  kind: 'user' | 'token' | 'anonymous';
  /** The user (for a token: its owner); empty for anonymous. */
  userId: string;
  email: string;
  /** For the audit log: `user:<email>` or `token:<name> (<email>)`. */
  actor: string;
  /** Global role; a token's is no higher than its owner's. */
  role: Role;
  /**
   * The projects it may see, with its role in each (membership narrowing and token
   * restrictions applied); null: every project, with `role`.
   */
  projects: Map<string, Role> | null;
  /** The token's id, or the session's id. */
  credentialId: string;
}

/** Auth off: the local user can do everything, as before authentication existed. */
export function anonymousAdmin(actor: string): Principal {
  return {
    kind: 'anonymous',
    userId: '',
    email: '',
    actor,
    role: 'admin',
    projects: null,
    credentialId: '',
  };
}

/** The projects a principal may see, to filter lists by; undefined: every project. */
export function visibleProjectIds(principal: Principal | null): string[] | undefined {
  return principal?.projects ? [...principal.projects.keys()] : undefined;
}

/** The role of a principal on a project; undefined: the project is invisible to it. */
export function roleOnProject(principal: Principal, projectId: string): Role | undefined {
  if (principal.projects === null) return principal.role;
  return principal.projects.get(projectId);
}
