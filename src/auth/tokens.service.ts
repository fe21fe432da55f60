import type { Selectable } from 'kysely';
import type { AppContext } from '../app-context.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Db } from '../db/connect.ts';
import type { ApiTokensTable } from '../db/database.ts';
import { nowIso } from '../shared/clock.ts';
import { AppError, notFound, unprocessable } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { roleOnProject, type Principal } from './principal.ts';
import { rank, roleSchema, weaker, type Role } from './roles.ts';
import { newToken, sha256, tokenPrefix } from './secrets.ts';
import type { CreateTokenInput, Token } from './token.schema.ts';
import { findUserRow, principalOfUser } from './users.service.ts';

type TokenRow = Selectable<ApiTokensTable>;

function toToken(row: TokenRow): Token {
  return {
    id: row.id,
    name: row.name,
    role: roleSchema.parse(row.role),
    userId: row.user_id,
    prefix: row.prefix,
    projectIds: row.project_ids === null ? null : (JSON.parse(row.project_ids) as string[]),
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
    createdAt: row.created_at,
  };
}

/** Creates a token; the secret is returned here only, and stored as its hash. */
export async function createToken(
  ctx: Pick<AppContext, 'db'>,
  creator: Principal,
  input: CreateTokenInput,
): Promise<Token & { token: string }> {
  if (creator.kind === 'token') {
    // else a token limited to some projects could mint one that is not
    throw new AppError('forbidden', 'API tokens are created by a signed-in user, not by a token');
  }
  const forOther = input.userId !== undefined && input.userId !== creator.userId;
  if (forOther && creator.role !== 'admin') {
    throw new AppError(
      'forbidden',
      'only an admin can create a token for another user (permission: admin)',
    );
  }
  if (creator.kind === 'anonymous' && input.userId === undefined) {
    throw unprocessable('authentication is off: pass userId, the user the token acts as');
  }
  const ownerId = input.userId ?? creator.userId;
  const owner = await findUserRow(ctx.db, ownerId);
  if (!owner) throw notFound('user', ownerId);
  const ownerRole = roleSchema.parse(owner.role);
  if (rank(input.role) > rank(creator.role) || rank(input.role) > rank(ownerRole)) {
    throw new AppError(
      'forbidden',
      `a token's role cannot be higher than its creator's or its owner's (asked ${input.role}; creator ${creator.role}, owner ${ownerRole})`,
    );
  }
  for (const projectId of input.projectIds ?? []) {
    const project = await ctx.db
      .selectFrom('projects')
      .select('id')
      .where('id', '=', projectId)
      .executeTakeFirst();
    if (!project || roleOnProject(creator, projectId) === undefined)
      throw notFound('project', projectId);
  }
  if (input.expiresAt !== undefined && Date.parse(input.expiresAt) <= Date.now()) {
    throw unprocessable('expiresAt must be in the future');
  }
  const token = newToken();
  const row: TokenRow = {
    id: newId(),
    user_id: ownerId,
    created_by: creator.userId,
    name: input.name,
    role: input.role,
    token_hash: sha256(token),
    prefix: token.slice(0, tokenPrefix.length + 4),
    project_ids: input.projectIds === undefined ? null : JSON.stringify(input.projectIds),
    expires_at: input.expiresAt ?? null,
    last_used_at: null,
    revoked_at: null,
    created_at: nowIso(),
  };
  await ctx.db.transaction().execute(async (tx) => {
    await tx.insertInto('api_tokens').values(row).execute();
    const { token_hash: _hash, ...publicRow } = row;
    await recordAudit(tx, {
      actor: creator.actor,
      action: 'create',
      entityType: 'token',
      entityId: row.id,
      projectId: null,
      before: null,
      after: { ...toToken({ ...publicRow, token_hash: '' }) },
    });
  });
  return { ...toToken(row), token };
}

/** Own tokens; an admin sees everyone's. */
export async function listTokens(
  db: Db,
  principal: Principal,
): Promise<{ items: Token[]; nextCursor: null }> {
  let query = db.selectFrom('api_tokens').selectAll().orderBy('created_at', 'desc');
  if (principal.role !== 'admin') query = query.where('user_id', '=', principal.userId);
  const rows = await query.execute();
  return { items: rows.map(toToken), nextCursor: null };
}

export async function revokeToken(
  ctx: Pick<AppContext, 'db'>,
  principal: Principal,
  id: string,
): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const row = await tx
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row || (principal.role !== 'admin' && row.user_id !== principal.userId)) {
      throw notFound('token', id);
    }
    if (row.revoked_at !== null) return;
    const at = nowIso();
    await tx.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', id).execute();
    await recordAudit(tx, {
      actor: principal.actor,
      action: 'revoke',
      entityType: 'token',
      entityId: id,
      projectId: null,
      before: { name: row.name, revokedAt: null },
      after: { name: row.name, revokedAt: at },
    });
  });
}

/**
 * The principal of a bearer token, or undefined when it is unknown, revoked, expired or its
 * owner inactive. Its role is the weaker of the token's and the owner's current role; its
 * projects, the token's restriction within the owner's.
 */
export async function principalOfToken(db: Db, token: string): Promise<Principal | undefined> {
  if (!token.startsWith(tokenPrefix)) return undefined;
  const row = await db
    .selectFrom('api_tokens')
    .selectAll()
    .where('token_hash', '=', sha256(token))
    .executeTakeFirst();
  if (!row || row.revoked_at !== null) return undefined;
  if (row.expires_at !== null && Date.parse(row.expires_at) <= Date.now()) return undefined;
  const owner = await findUserRow(db, row.user_id);
  if (!owner || !owner.active) return undefined;
  const base = await principalOfUser(db, owner, 'token', row.id);
  const role = weaker(base.role, roleSchema.parse(row.role));
  const restriction = row.project_ids === null ? null : (JSON.parse(row.project_ids) as string[]);
  let projects: Map<string, Role> | null = base.projects;
  if (restriction !== null) {
    projects = new Map();
    for (const projectId of restriction) {
      const ownerRole = roleOnProject(base, projectId);
      if (ownerRole !== undefined) projects.set(projectId, weaker(ownerRole, role));
    }
  } else if (projects !== null) {
    projects = new Map([...projects].map(([id, r]) => [id, weaker(r, role)]));
  }
  await db
    .updateTable('api_tokens')
    .set({ last_used_at: nowIso() })
    .where('id', '=', row.id)
    .execute();
  return { ...base, role, projects, actor: `token:${row.name} (${owner.email})` };
}
