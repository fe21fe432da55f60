import type { AppContext } from '../app-context.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Actor } from '../audit/audit.types.ts';
import type { Conn, Db } from '../db/connect.ts';
import type { UsersTable } from '../db/database.ts';
import type { Selectable } from 'kysely';
import { nowIso } from '../shared/clock.ts';
import { AppError, conflict, notFound } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import type { Principal } from './principal.ts';
import { roleSchema, weaker, type Role } from './roles.ts';
import { hashPassword } from './secrets.ts';
import type { CreateUserInput, UpdateUserInput, User } from './user.schema.ts';

type UserRow = Selectable<UsersTable>;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

async function membershipsOf(conn: Conn, userId: string): Promise<User['memberships']> {
  const rows = await conn
    .selectFrom('project_members')
    .select(['project_id', 'role'])
    .where('user_id', '=', userId)
    .orderBy('project_id')
    .execute();
  return rows.map((r) => ({ projectId: r.project_id, role: roleSchema.parse(r.role) }));
}

async function toUser(conn: Conn, row: UserRow): Promise<User> {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    role: roleSchema.parse(row.role),
    active: Boolean(row.active),
    hasPassword: row.password_hash !== null,
    memberships: await membershipsOf(conn, row.id),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Audit representation: no password hash, no memberships (audited on their own). */
function audited(user: User): Record<string, unknown> {
  const { memberships: _m, ...rest } = user;
  return rest;
}

export async function findUserRowByEmail(conn: Conn, email: string): Promise<UserRow | undefined> {
  return conn
    .selectFrom('users')
    .selectAll()
    .where('email', '=', normalizeEmail(email))
    .executeTakeFirst();
}

export async function findUserRow(conn: Conn, id: string): Promise<UserRow | undefined> {
  return conn.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function getUser(db: Db, id: string): Promise<User> {
  const row = await findUserRow(db, id);
  if (!row) throw notFound('user', id);
  return toUser(db, row);
}

export async function listUsers(db: Db): Promise<{ items: User[]; nextCursor: null }> {
  const rows = await db.selectFrom('users').selectAll().orderBy('email').execute();
  const items: User[] = [];
  for (const row of rows) items.push(await toUser(db, row));
  return { items, nextCursor: null };
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function createUser(
  ctx: Pick<AppContext, 'db'>,
  input: CreateUserInput & { oidcSubject?: string },
  actor: Actor,
): Promise<User> {
  const email = normalizeEmail(input.email);
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
  return ctx.db.transaction().execute(async (tx) => {
    if (await findUserRowByEmail(tx, email)) {
      throw conflict(`a user with the email ${email} already exists`);
    }
    const at = nowIso();
    const row: UserRow = {
      id: newId(),
      email,
      display_name: input.displayName ?? email.split('@')[0] ?? email,
      password_hash: passwordHash,
      role: input.role,
      active: 1,
      oidc_subject: input.oidcSubject ?? null,
      created_at: at,
      updated_at: at,
    };
    await tx.insertInto('users').values(row).execute();
    const user = await toUser(tx, row);
    await recordAudit(tx, {
      actor,
      action: 'create',
      entityType: 'user',
      entityId: user.id,
      projectId: null,
      before: null,
      after: audited(user),
      secretsChanged: passwordHash === null ? [] : ['password'],
    });
    return user;
  });
}

/** Refuses a change that would leave no active admin (nobody could manage users any more). */
async function keepAnAdmin(conn: Conn, userId: string): Promise<void> {
  const others = await conn
    .selectFrom('users')
    .select('id')
    .where('role', '=', 'admin')
    .where('active', '=', 1)
    .where('id', '!=', userId)
    .executeTakeFirst();
  if (!others) throw conflict('this is the last active admin: make another user admin first');
}

export async function updateUser(
  ctx: Pick<AppContext, 'db'>,
  id: string,
  input: UpdateUserInput,
  actor: Actor,
): Promise<User> {
  const passwordHash =
    input.password === undefined ? undefined : await hashPassword(input.password);
  return ctx.db.transaction().execute(async (tx) => {
    const row = await findUserRow(tx, id);
    if (!row) throw notFound('user', id);
    const before = await toUser(tx, row);
    const losesAdmin =
      before.role === 'admin' &&
      ((input.role !== undefined && input.role !== 'admin') || input.active === false);
    if (losesAdmin) await keepAnAdmin(tx, id);
    await tx
      .updateTable('users')
      .set({
        ...(input.displayName !== undefined && { display_name: input.displayName }),
        ...(input.role !== undefined && { role: input.role }),
        ...(input.active !== undefined && { active: input.active ? 1 : 0 }),
        ...(passwordHash !== undefined && { password_hash: passwordHash }),
        updated_at: nowIso(),
      })
      .where('id', '=', id)
      .execute();
    // A deactivated user or a new password ends every session of the user.
    if (input.active === false || passwordHash !== undefined) {
      await tx.deleteFrom('sessions').where('user_id', '=', id).execute();
    }
    const after = await toUser(tx, (await findUserRow(tx, id)) ?? row);
    await recordAudit(tx, {
      actor,
      action: 'update',
      entityType: 'user',
      entityId: id,
      projectId: null,
      before: audited(before),
      after: audited(after),
      secretsChanged: passwordHash === undefined ? [] : ['password'],
    });
    return after;
  });
}

export async function deleteUser(
  ctx: Pick<AppContext, 'db'>,
  id: string,
  actor: Actor,
): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const row = await findUserRow(tx, id);
    if (!row) throw notFound('user', id);
    const before = await toUser(tx, row);
    if (before.role === 'admin') await keepAnAdmin(tx, id);
    await tx.deleteFrom('sessions').where('user_id', '=', id).execute();
    await tx.deleteFrom('api_tokens').where('user_id', '=', id).execute();
    await tx.deleteFrom('project_members').where('user_id', '=', id).execute();
    await tx.deleteFrom('users').where('id', '=', id).execute();
    await recordAudit(tx, {
      actor,
      action: 'delete',
      entityType: 'user',
      entityId: id,
      projectId: null,
      before: audited(before),
      after: null,
    });
  });
}

export async function setMembership(
  ctx: Pick<AppContext, 'db'>,
  projectId: string,
  userId: string,
  role: Role,
  actor: Actor,
): Promise<User> {
  return ctx.db.transaction().execute(async (tx) => {
    const project = await tx
      .selectFrom('projects')
      .select('id')
      .where('id', '=', projectId)
      .executeTakeFirst();
    if (!project) throw notFound('project', projectId);
    const user = await findUserRow(tx, userId);
    if (!user) throw notFound('user', userId);
    const existing = await tx
      .selectFrom('project_members')
      .select('role')
      .where('project_id', '=', projectId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (existing) {
      await tx
        .updateTable('project_members')
        .set({ role })
        .where('project_id', '=', projectId)
        .where('user_id', '=', userId)
        .execute();
    } else {
      await tx
        .insertInto('project_members')
        .values({ project_id: projectId, user_id: userId, role, created_at: nowIso() })
        .execute();
    }
    await recordAudit(tx, {
      actor,
      action: existing ? 'update' : 'create',
      entityType: 'membership',
      entityId: `${projectId}:${userId}`,
      projectId,
      before: existing ? { userId, role: existing.role } : null,
      after: { userId, role },
    });
    return toUser(tx, user);
  });
}

export async function removeMembership(
  ctx: Pick<AppContext, 'db'>,
  projectId: string,
  userId: string,
  actor: Actor,
): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const existing = await tx
      .selectFrom('project_members')
      .select('role')
      .where('project_id', '=', projectId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (!existing)
      throw new AppError('not_found', `user '${userId}' is not a member of project '${projectId}'`);
    await tx
      .deleteFrom('project_members')
      .where('project_id', '=', projectId)
      .where('user_id', '=', userId)
      .execute();
    await recordAudit(tx, {
      actor,
      action: 'delete',
      entityType: 'membership',
      entityId: `${projectId}:${userId}`,
      projectId,
      before: { userId, role: existing.role },
      after: null,
    });
  });
}

/** The principal of an active user: memberships, when there are any, narrow what it sees. */
export async function principalOfUser(
  conn: Conn,
  row: UserRow,
  kind: 'user' | 'token',
  credentialId: string,
): Promise<Principal> {
  const role = roleSchema.parse(row.role);
  const memberships = await membershipsOf(conn, row.id);
  return {
    kind,
    userId: row.id,
    email: row.email,
    actor: `user:${row.email}`,
    role,
    projects:
      memberships.length === 0 || role === 'admin'
        ? null
        : new Map(memberships.map((m) => [m.projectId, weaker(role, m.role)])),
    credentialId,
  };
}

/** SCENE_ADMIN_EMAIL/SCENE_ADMIN_PASSWORD: the first admin, only while no user exists. */
export async function ensureFirstAdmin(
  ctx: Pick<AppContext, 'db' | 'config' | 'logger'>,
): Promise<void> {
  const admin = ctx.config.auth.admin;
  if (!admin || (await countUsers(ctx.db)) > 0) return;
  try {
    await createUser(
      ctx,
      { email: admin.email, password: admin.password, role: 'admin' },
      'system',
    );
    ctx.logger.info(
      { email: normalizeEmail(admin.email) },
      'created the first admin from SCENE_ADMIN_EMAIL',
    );
  } catch (error) {
    // Another process on the same database created it first.
    if (!(error instanceof AppError && error.code === 'conflict')) throw error;
  }
}
