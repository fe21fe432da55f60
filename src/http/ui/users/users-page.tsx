import { roles } from '../../../auth/roles.ts';
import type { User } from '../../../auth/user.schema.ts';
import type { Project } from '../../../projects/project.schema.ts';
import { PageHeader } from '../components/page-header.tsx';
import { Layout, type PageContext } from '../layout/layout.tsx';

function RoleSelect(props: { name: string; selected?: string; label: string }) {
  return (
    <select name={props.name} aria-label={props.label}>
      {roles.map((role) => (
        <option value={role} selected={role === props.selected}>
          {role}
        </option>
      ))}
    </select>
  );
}

/**
 * A user's project memberships: change or remove each, add one. A user with memberships sees
 * only those projects (none: every project).
 */
function Memberships(props: { user: User; projects: Project[] }) {
  const { user } = props;
  const names = new Map(props.projects.map((p) => [p.id, p.name]));
  const others = props.projects.filter((p) => !user.memberships.some((m) => m.projectId === p.id));
  return (
    <div class="memberships">
      {user.memberships.length === 0 ? <p class="muted">all projects</p> : ''}
      {user.memberships.map((m) => {
        const name = names.get(m.projectId) ?? m.projectId;
        return (
          <div class="inline-form" data-membership={name}>
            <form
              method="post"
              action={`/users/${user.id}/memberships/${m.projectId}`}
              class="inline-form"
            >
              <span safe>{name}</span>
              <RoleSelect
                name="role"
                selected={m.role}
                label={`Membership of ${user.email} in ${name}`}
              />
              <button type="submit" class="button">
                Change
              </button>
            </form>
            <form
              method="post"
              action={`/users/${user.id}/memberships/${m.projectId}/delete`}
              class="inline-form"
            >
              <button
                type="submit"
                class="button danger"
                aria-label={`Remove ${user.email} from ${name}`}
              >
                Remove
              </button>
            </form>
          </div>
        );
      })}
      {others.length === 0 ? (
        ''
      ) : (
        <form method="post" action={`/users/${user.id}/memberships`} class="inline-form">
          <select name="projectId" aria-label={`Project for ${user.email}`}>
            {others.map((p) => (
              <option value={p.id} safe>
                {p.name}
              </option>
            ))}
          </select>
          <RoleSelect name="role" selected="viewer" label={`Membership role for ${user.email}`} />
          <button type="submit" class="button">
            Add to project
          </button>
        </form>
      )}
    </div>
  );
}

/** Admins: every user, a form to add one, each user's role, active flag and projects. */
export function UsersPage(props: { page: PageContext; users: User[]; projects: Project[] }) {
  return (
    <Layout title="Users" section="users" page={props.page}>
      <PageHeader title="Users" />
      <table class="table">
        <thead>
          <tr>
            <th>Email</th>
            <th>Name</th>
            <th>Projects</th>
            <th>Role and status</th>
          </tr>
        </thead>
        <tbody>
          {props.users.map((user) => (
            <tr data-user={user.email}>
              <td safe>{user.email}</td>
              <td safe>{user.displayName}</td>
              <td>
                <Memberships user={user} projects={props.projects} />
              </td>
              <td>
                <form method="post" action={`/users/${user.id}`} class="inline-form">
                  <RoleSelect name="role" selected={user.role} label={`Role of ${user.email}`} />
                  <label>
                    <input type="checkbox" name="active" value="on" checked={user.active} /> active
                  </label>
                  <button type="submit" class="button">
                    Save
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form method="post" action="/users" class="login-card">
        <h2>Add a user</h2>
        <label>
          Email
          <input type="email" name="email" required />
        </label>
        <label>
          Password (empty: SSO or tokens only)
          <input type="password" name="password" autocomplete="new-password" />
        </label>
        <label>
          Role
          <RoleSelect name="role" selected="viewer" label="Role" />
        </label>
        <button type="submit" class="button primary">
          Add user
        </button>
      </form>
    </Layout>
  );
}
