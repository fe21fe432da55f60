import type { Selectable } from 'kysely';
import type { Conn } from '../db/connect.ts';
import type { PagesTable } from '../db/database.ts';
import { fromJson, toJson } from '../db/json.ts';
import type { Page as Listing } from '../db/pagination.ts';
import { listRowsOfProject } from '../db/project-rows.ts';
import { isSealed, openSecret, sealSecret } from '../db/secret-columns.ts';
import type { Action, CaptureScope, Rect } from '../shared/domain.ts';
import type { Page, PageForCapture } from './page.schema.ts';

// The basic-auth password column is read only by findPagesForCapture; every other function
// maps rows to the public Page, which carries at most `passwordSet: true`. It is stored
// encrypted (db/secret-columns.ts): sealed on write, opened on read.
const passwordColumn = 'page.basicAuth.password';

function rowToPage(row: Selectable<PagesTable>): Page {
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    url: row.url,
    ...(row.reference_url !== null && { referenceUrl: row.reference_url }),
    ...(row.basic_auth_username !== null && {
      basicAuth: { username: row.basic_auth_username, passwordSet: true as const },
    }),
    actions: fromJson<Action[]>(row.actions, []),
    ...(row.script !== null && { script: row.script }),
    hideSelectors: fromJson<string[]>(row.hide_selectors, []),
    removeSelectors: fromJson<string[]>(row.remove_selectors, []),
    maskSelectors: fromJson<string[]>(row.mask_selectors, []),
    ignoreRegions: fromJson<Rect[]>(row.ignore_regions, []),
    ...(row.wait_ms !== null && { waitMs: row.wait_ms }),
    freezeTime: Boolean(row.freeze_time),
    seedRandom: Boolean(row.seed_random),
    capture: fromJson<CaptureScope>(row.capture, { scope: 'fullPage' }),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function pageToColumns(page: Page) {
  return {
    name: page.name,
    url: page.url,
    reference_url: page.referenceUrl ?? null,
    basic_auth_username: page.basicAuth?.username ?? null,
    actions: toJson(page.actions),
    script: page.script ?? null,
    hide_selectors: toJson(page.hideSelectors),
    remove_selectors: toJson(page.removeSelectors),
    mask_selectors: toJson(page.maskSelectors),
    ignore_regions: toJson(page.ignoreRegions),
    wait_ms: page.waitMs ?? null,
    freeze_time: page.freezeTime ? 1 : 0,
    seed_random: page.seedRandom ? 1 : 0,
    // The default stays null, like the rows from before capture scopes.
    capture: page.capture.scope === 'fullPage' ? null : toJson(page.capture),
    updated_at: page.updatedAt,
  };
}

export async function findPage(conn: Conn, id: string): Promise<Page | undefined> {
  const row = await conn.selectFrom('pages').selectAll().where('id', '=', id).executeTakeFirst();
  return row && rowToPage(row);
}

/** The pages with these ids that exist (any project), in no particular order. */
export async function findPages(conn: Conn, ids: string[]): Promise<Page[]> {
  if (ids.length === 0) return [];
  const rows = await conn.selectFrom('pages').selectAll().where('id', 'in', ids).execute();
  return rows.map(rowToPage);
}

export async function findPageByName(
  conn: Conn,
  projectId: string,
  name: string,
): Promise<Page | undefined> {
  const row = await conn
    .selectFrom('pages')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('name', '=', name)
    .executeTakeFirst();
  return row && rowToPage(row);
}

/**
 * Pages with their basic-auth password, for the capture engine only, in the order of `ids`
 * (ids that do not exist are skipped). Never send the result to a client or a log.
 */
export async function findPagesForCapture(conn: Conn, ids: string[]): Promise<PageForCapture[]> {
  if (ids.length === 0) return [];
  const rows = await conn.selectFrom('pages').selectAll().where('id', 'in', ids).execute();
  const byId = new Map(
    rows.map((row): [string, PageForCapture] => {
      const { basicAuth: _public, ...page } = rowToPage(row);
      return [
        row.id,
        row.basic_auth_username === null
          ? page
          : {
              ...page,
              basicAuth: {
                username: row.basic_auth_username,
                password: openSecret(conn, passwordColumn, row.id, row.basic_auth_password ?? ''),
              },
            },
      ];
    }),
  );
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export function listPagesOfProject(
  conn: Conn,
  projectId: string,
  cursor: string | undefined,
  limit: number,
): Promise<Listing<Page>> {
  return listRowsOfProject(conn, 'pages', projectId, cursor, limit, rowToPage);
}

/** `password` is stored only when the page has basic-auth credentials. */
export async function insertPage(
  conn: Conn,
  page: Page,
  password: string | undefined,
): Promise<void> {
  await conn
    .insertInto('pages')
    .values({
      id: page.id,
      project_id: page.projectId,
      ...pageToColumns(page),
      basic_auth_password: page.basicAuth
        ? sealSecret(conn, passwordColumn, page.id, password ?? '')
        : null,
      created_at: page.createdAt,
    })
    .execute();
}

/**
 * Writes the page's public fields. `password`: undefined keeps the stored one, a string
 * replaces it; without basic auth on the page the stored password is always cleared.
 */
export async function updatePageRow(
  conn: Conn,
  page: Page,
  password: string | undefined,
): Promise<void> {
  await conn
    .updateTable('pages')
    .set({
      ...pageToColumns(page),
      ...(page.basicAuth === undefined
        ? { basic_auth_password: null }
        : password !== undefined && {
            basic_auth_password: sealSecret(conn, passwordColumn, page.id, password),
          }),
    })
    .where('id', '=', page.id)
    .execute();
}

/**
 * Encrypts the passwords an earlier version stored in clear, and opens every encrypted one
 * (which fails, naming the key, when the key is not the one they were sealed with). Returns
 * how many it encrypted; a second call finds none.
 */
export async function sealStoredPagePasswords(conn: Conn): Promise<number> {
  const rows = await conn
    .selectFrom('pages')
    .select(['id', 'basic_auth_password'])
    .where('basic_auth_password', 'is not', null)
    .execute();
  let sealed = 0;
  for (const { id, basic_auth_password: stored } of rows) {
    if (stored === null) continue;
    if (isSealed(stored)) {
      openSecret(conn, passwordColumn, id, stored);
      continue;
    }
    await conn
      .updateTable('pages')
      .set({ basic_auth_password: sealSecret(conn, passwordColumn, id, stored) })
      .where('id', '=', id)
      .where('basic_auth_password', '=', stored)
      .execute();
    sealed++;
  }
  return sealed;
}

/** False when a concurrent transaction deleted it first: this count, not an earlier read, decides. */
export async function deletePageRow(conn: Conn, id: string): Promise<boolean> {
  const result = await conn.deleteFrom('pages').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
