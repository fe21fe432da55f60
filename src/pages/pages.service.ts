import type { AppContext } from '../app-context.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Actor } from '../audit/audit.types.ts';
import { inUseConflict } from '../batches/batch-refs.ts';
import { listBatchesUsingPage } from '../batches/batches.repository.ts';
import type { Conn } from '../db/connect.ts';
import { inTransaction } from '../db/transaction.ts';
import { pageSize, type Page as Listing, type PageRequest } from '../db/pagination.ts';
import { getProject } from '../projects/projects.service.ts';
import { creationStamp, nowIso } from '../shared/clock.ts';
import { notFound, unprocessable } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { assertNameFreeInProject } from '../shared/unique-name.ts';
import { patchOptional } from '../shared/patch.ts';
import type { CreatePageInput, Page, UpdatePageInput } from './page.schema.ts';
import {
  deletePageRow,
  findPage,
  findPageByName,
  insertPage,
  listPagesOfProject,
  updatePageRow,
} from './pages.repository.ts';

/** The audit field that stands for the password: recorded as changed, never with its value. */
const passwordField = 'basicAuth.password';

export async function getPage(conn: Conn, id: string): Promise<Page> {
  const page = await findPage(conn, id);
  if (!page) throw notFound('page', id);
  return page;
}

export async function listPages(
  ctx: AppContext,
  projectId: string,
  request: PageRequest,
): Promise<Listing<Page>> {
  await getProject(ctx.db, projectId);
  return listPagesOfProject(ctx.db, projectId, request.cursor, pageSize(request));
}

export function createPage(
  ctx: AppContext,
  projectId: string,
  input: CreatePageInput,
  actor: Actor,
): Promise<Page> {
  return inTransaction(ctx.db, async (trx) => {
    await getProject(trx, projectId);
    assertNameFreeInProject('page', await findPageByName(trx, projectId, input.name), input.name);
    const now = creationStamp();
    const page: Page = {
      id: newId(),
      projectId,
      name: input.name,
      url: input.url,
      ...(input.referenceUrl !== undefined && { referenceUrl: input.referenceUrl }),
      ...(input.basicAuth && {
        basicAuth: { username: input.basicAuth.username, passwordSet: true as const },
      }),
      actions: input.actions ?? [],
      ...(input.script !== undefined && { script: input.script }),
      hideSelectors: input.hideSelectors ?? [],
      removeSelectors: input.removeSelectors ?? [],
      maskSelectors: input.maskSelectors ?? [],
      ignoreRegions: input.ignoreRegions ?? [],
      ...(input.waitMs !== undefined && { waitMs: input.waitMs }),
      freezeTime: input.freezeTime ?? true,
      seedRandom: input.seedRandom ?? true,
      capture: input.capture ?? { scope: 'fullPage' },
      createdAt: now,
      updatedAt: now,
    };
    await insertPage(trx, page, input.basicAuth?.password);
    await recordAudit(trx, {
      actor,
      action: 'create',
      entityType: 'page',
      entityId: page.id,
      projectId,
      before: null,
      after: page,
      ...(input.basicAuth && { secretsChanged: [passwordField] }),
    });
    return page;
  });
}

/** The page's credentials after a PATCH, and the password to store (undefined: keep). */
function patchBasicAuth(
  before: Page,
  input: UpdatePageInput['basicAuth'],
): { basicAuth: Page['basicAuth']; password: string | undefined } {
  if (input === undefined) return { basicAuth: before.basicAuth, password: undefined };
  if (input === null) return { basicAuth: undefined, password: undefined };
  if (input.password === undefined && !before.basicAuth) {
    throw unprocessable(
      'basicAuth.password is required: the page has no stored credentials to keep',
    );
  }
  return {
    basicAuth: { username: input.username, passwordSet: true },
    password: input.password,
  };
}

export function updatePage(
  ctx: AppContext,
  id: string,
  input: UpdatePageInput,
  actor: Actor,
): Promise<Page> {
  return inTransaction(ctx.db, async (trx) => {
    const before = await getPage(trx, id);
    if (input.name !== undefined) {
      const existing = await findPageByName(trx, before.projectId, input.name);
      assertNameFreeInProject('page', existing, input.name, id);
    }
    const { basicAuth, password } = patchBasicAuth(before, input.basicAuth);
    const patched: Page = {
      ...before,
      name: input.name ?? before.name,
      url: input.url ?? before.url,
      referenceUrl: patchOptional(input.referenceUrl, before.referenceUrl),
      basicAuth,
      actions: input.actions ?? before.actions,
      script: patchOptional(input.script, before.script),
      hideSelectors: input.hideSelectors ?? before.hideSelectors,
      removeSelectors: input.removeSelectors ?? before.removeSelectors,
      maskSelectors: input.maskSelectors ?? before.maskSelectors,
      ignoreRegions: input.ignoreRegions ?? before.ignoreRegions,
      waitMs: patchOptional(input.waitMs, before.waitMs),
      freezeTime: input.freezeTime ?? before.freezeTime,
      seedRandom: input.seedRandom ?? before.seedRandom,
      capture: input.capture ?? before.capture,
      updatedAt: nowIso(),
    };
    await updatePageRow(trx, patched, password);
    // Read back: the stored form is what clients and the audit log should see.
    const after = await getPage(trx, id);
    const passwordChanged = password !== undefined || (before.basicAuth && !after.basicAuth);
    await recordAudit(trx, {
      actor,
      action: 'update',
      entityType: 'page',
      entityId: id,
      projectId: before.projectId,
      before,
      after,
      ...(passwordChanged && { secretsChanged: [passwordField] }),
    });
    return after;
  });
}

export function deletePage(ctx: AppContext, id: string, actor: Actor): Promise<void> {
  return inTransaction(ctx.db, async (trx) => {
    const before = await getPage(trx, id);
    const users = await listBatchesUsingPage(trx, id);
    if (users.length > 0) {
      throw inUseConflict(`page '${before.name}'`, users, 'remove the page from them first');
    }
    if (!(await deletePageRow(trx, id))) throw notFound('page', id);
    await recordAudit(trx, {
      actor,
      action: 'delete',
      entityType: 'page',
      entityId: id,
      projectId: before.projectId,
      before,
      after: null,
      ...(before.basicAuth && { secretsChanged: [passwordField] }),
    });
  });
}
