import { roles } from '../../../auth/roles.ts';
import type { User } from '../../../auth/user.schema.ts';
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

/** Admins: every user, a form to add one, and each user's role and active flag. */
export function UsersPage(props: { page: PageContext; users: User[] }) {
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
              <td safe>
                {user.memberships.length === 0
                  ? 'all'
                  : user.memberships.map((m) => `${m.projectId} (${m.role})`).join(', ')}
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
