import type { AppContext } from '../app-context.ts';
import type { Db } from '../db/connect.ts';
import { nowIso } from '../shared/clock.ts';
import { newId } from '../shared/ids.ts';
import type { Principal } from './principal.ts';
import { newSessionSecret, sha256 } from './secrets.ts';
import { findUserRow, principalOfUser } from './users.service.ts';

// Server-side UI sessions: the cookie holds a random secret; the database its hash, the
// user, and the two expiries (idle: SCENE_SESSION_IDLE_MINUTES, absolute: _MAX_HOURS).

export async function createSession(
  ctx: Pick<AppContext, 'db' | 'config'>,
  userId: string,
): Promise<{ id: string; secret: string; maxAgeSeconds: number }> {
  const secret = newSessionSecret();
  const now = Date.now();
  const maxAgeSeconds = ctx.config.auth.sessionMaxHours * 3600;
  const id = newId();
  await ctx.db
    .insertInto('sessions')
    .values({
      id,
      user_id: userId,
      secret_hash: sha256(secret),
      created_at: new Date(now).toISOString(),
      last_seen_at: new Date(now).toISOString(),
      expires_at: new Date(now + maxAgeSeconds * 1000).toISOString(),
    })
    .execute();
  return { id, secret, maxAgeSeconds };
}

/** The principal of a session cookie's secret; an expired session is deleted. */
export async function principalOfSession(
  ctx: Pick<AppContext, 'db' | 'config'>,
  secret: string,
): Promise<Principal | undefined> {
  const row = await ctx.db
    .selectFrom('sessions')
    .selectAll()
    .where('secret_hash', '=', sha256(secret))
    .executeTakeFirst();
  if (!row) return undefined;
  const now = Date.now();
  const idleMs = ctx.config.auth.sessionIdleMinutes * 60_000;
  if (Date.parse(row.expires_at) <= now || Date.parse(row.last_seen_at) + idleMs <= now) {
    await ctx.db.deleteFrom('sessions').where('id', '=', row.id).execute();
    return undefined;
  }
  const user = await findUserRow(ctx.db, row.user_id);
  if (!user || !user.active) return undefined;
  // Touch at most once a minute: not a write per request.
  if (now - Date.parse(row.last_seen_at) > 60_000) {
    await ctx.db
      .updateTable('sessions')
      .set({ last_seen_at: nowIso() })
      .where('id', '=', row.id)
      .execute();
  }
  return principalOfUser(ctx.db, user, 'user', row.id);
}

export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

/** Logout everywhere: every session of the user. */
export async function deleteSessionsOfUser(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}
