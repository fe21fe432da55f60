import type { Selectable } from 'kysely';
import type { Conn } from '../db/connect.ts';
import type { WebhooksTable } from '../db/database.ts';
import { fromJson, toJson } from '../db/json.ts';
import { afterCursor, toPage, type Page } from '../db/pagination.ts';
import { isSealed, openSecret, sealSecret } from '../db/secret-columns.ts';
import type { Webhook } from './webhook.schema.ts';

// The secret column is read only by findWebhookTargets (for signing) and written only by
// insertWebhook/updateWebhookSecret: everything else works on the secret-free Webhook. It is
// stored encrypted (db/secret-columns.ts): sealed on write, opened on read.
const secretColumn = 'webhook.secret';
const publicColumns = [
  'id',
  'project_id',
  'url',
  'events',
  'active',
  'description',
  'disabled_reason',
  'failing_since',
  'created_at',
  'updated_at',
] as const;

type PublicRow = Pick<Selectable<WebhooksTable>, (typeof publicColumns)[number]>;

function rowToWebhook(row: PublicRow): Webhook {
  return {
    id: row.id,
    projectId: row.project_id,
    url: row.url,
    events: fromJson<string[]>(row.events, []),
    active: row.active === 1,
    ...(row.description !== null && { description: row.description }),
    ...(row.disabled_reason !== null && { disabledReason: row.disabled_reason }),
    ...(row.failing_since !== null && { failingSince: row.failing_since }),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function findWebhook(conn: Conn, id: string): Promise<Webhook | undefined> {
  const row = await conn
    .selectFrom('webhooks')
    .select(publicColumns)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && rowToWebhook(row);
}

export async function listWebhooksOfProject(
  conn: Conn,
  projectId: string,
  cursor: string | undefined,
  limit: number,
): Promise<Page<Webhook>> {
  let query = conn.selectFrom('webhooks').select(publicColumns).where('project_id', '=', projectId);
  if (cursor !== undefined) query = query.where(afterCursor(cursor));
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  return toPage(rows, limit, rowToWebhook);
}

export async function insertWebhook(conn: Conn, webhook: Webhook, secret: string): Promise<void> {
  await conn
    .insertInto('webhooks')
    .values({
      id: webhook.id,
      project_id: webhook.projectId,
      url: webhook.url,
      events: toJson(webhook.events),
      active: webhook.active ? 1 : 0,
      description: webhook.description ?? null,
      secret: sealSecret(conn, secretColumn, webhook.id, secret),
      disabled_reason: webhook.disabledReason ?? null,
      failing_since: webhook.failingSince ?? null,
      created_at: webhook.createdAt,
      updated_at: webhook.updatedAt,
    })
    .execute();
}

export async function updateWebhookRow(conn: Conn, webhook: Webhook): Promise<void> {
  await conn
    .updateTable('webhooks')
    .set({
      url: webhook.url,
      events: toJson(webhook.events),
      active: webhook.active ? 1 : 0,
      description: webhook.description ?? null,
      disabled_reason: webhook.disabledReason ?? null,
      failing_since: webhook.failingSince ?? null,
      updated_at: webhook.updatedAt,
    })
    .where('id', '=', webhook.id)
    .execute();
}

export async function updateWebhookSecret(
  conn: Conn,
  id: string,
  secret: string,
  updatedAt: string,
): Promise<void> {
  await conn
    .updateTable('webhooks')
    .set({ secret: sealSecret(conn, secretColumn, id, secret), updated_at: updatedAt })
    .where('id', '=', id)
    .execute();
}

/** False when a concurrent transaction deleted it first: this count, not an earlier read, decides. */
export async function deleteWebhookRow(conn: Conn, id: string): Promise<boolean> {
  const result = await conn.deleteFrom('webhooks').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Where and how to send: the only read of the secret, used to sign requests. */
export interface WebhookTarget {
  id: string;
  projectId: string;
  url: string;
  secret: string;
  active: boolean;
}

export async function findWebhookTargets(conn: Conn, ids: string[]): Promise<WebhookTarget[]> {
  if (ids.length === 0) return [];
  const rows = await conn
    .selectFrom('webhooks')
    .select(['id', 'project_id', 'url', 'secret', 'active'])
    .where('id', 'in', ids)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    projectId: row.project_id,
    url: row.url,
    secret: openSecret(conn, secretColumn, row.id, row.secret),
    active: row.active === 1,
  }));
}

/**
 * Encrypts the secrets an earlier version stored in clear, and opens every encrypted one
 * (which fails, naming the key, when the key is not the one they were sealed with). Returns
 * how many it encrypted; a second call finds none.
 */
export async function sealStoredWebhookSecrets(conn: Conn): Promise<number> {
  const rows = await conn.selectFrom('webhooks').select(['id', 'secret']).execute();
  let sealed = 0;
  for (const { id, secret: stored } of rows) {
    if (isSealed(stored)) {
      openSecret(conn, secretColumn, id, stored);
      continue;
    }
    await conn
      .updateTable('webhooks')
      .set({ secret: sealSecret(conn, secretColumn, id, stored) })
      .where('id', '=', id)
      .where('secret', '=', stored)
      .execute();
    sealed++;
  }
  return sealed;
}

/** Starts the failing streak at `at` unless one is already running. */
export async function markWebhookFailing(conn: Conn, id: string, at: string): Promise<void> {
  await conn
    .updateTable('webhooks')
    .set({ failing_since: at })
    .where('id', '=', id)
    .where('failing_since', 'is', null)
    .execute();
}

export async function clearWebhookFailing(conn: Conn, id: string): Promise<void> {
  await conn
    .updateTable('webhooks')
    .set({ failing_since: null })
    .where('id', '=', id)
    .where('failing_since', 'is not', null)
    .execute();
}

/**
 * Turns the webhook off if it is still active and still failing since `failingSince` or
 * earlier; true when this call did it (so exactly one caller audits it).
 */
export async function disableFailingWebhook(
  conn: Conn,
  id: string,
  failingSinceAtOrBefore: string,
  reason: string,
  at: string,
): Promise<boolean> {
  const result = await conn
    .updateTable('webhooks')
    .set({ active: 0, disabled_reason: reason, updated_at: at })
    .where('id', '=', id)
    .where('active', '=', 1)
    .where('failing_since', '<=', failingSinceAtOrBefore)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
