import type { AppContext } from '../app-context.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Actor } from '../audit/audit.types.ts';
import type { Conn } from '../db/connect.ts';
import { inTransaction } from '../db/transaction.ts';
import { pageSize, type Page, type PageRequest } from '../db/pagination.ts';
import { getProject } from '../projects/projects.service.ts';
import { creationStamp, nowIso } from '../shared/clock.ts';
import { notFound } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { assertNotOwnAddress } from './own-address.ts';
import { newWebhookSecret } from './signing.ts';
import type {
  CreateWebhookInput,
  UpdateWebhookInput,
  Webhook,
  WebhookWithSecret,
} from './webhook.schema.ts';
import {
  deleteWebhookRow,
  findWebhook,
  insertWebhook,
  listWebhooksOfProject,
  updateWebhookRow,
  updateWebhookSecret,
} from './webhooks.repository.ts';

export async function getWebhook(conn: Conn, id: string): Promise<Webhook> {
  const webhook = await findWebhook(conn, id);
  if (!webhook) throw notFound('webhook', id);
  return webhook;
}

export async function listWebhooks(
  ctx: AppContext,
  projectId: string,
  request: PageRequest,
): Promise<Page<Webhook>> {
  await getProject(ctx.db, projectId);
  return listWebhooksOfProject(ctx.db, projectId, request.cursor, pageSize(request));
}

/** Creates the webhook with a new signing secret, returned here and never again. */
export function createWebhook(
  ctx: AppContext,
  projectId: string,
  input: CreateWebhookInput,
  actor: Actor,
): Promise<WebhookWithSecret> {
  assertNotOwnAddress(ctx, input.url);
  return inTransaction(ctx.db, async (trx) => {
    await getProject(trx, projectId);
    const now = creationStamp();
    const webhook: Webhook = {
      id: newId(),
      projectId,
      url: input.url,
      events: input.events,
      active: input.active,
      ...(input.description !== undefined && { description: input.description }),
      createdAt: now,
      updatedAt: now,
    };
    const secret = newWebhookSecret();
    await insertWebhook(trx, webhook, secret);
    await recordAudit(trx, {
      actor,
      action: 'create',
      entityType: 'webhook',
      entityId: webhook.id,
      projectId,
      before: null,
      after: webhook,
      secretsChanged: ['secret'],
    });
    return { ...webhook, secret };
  });
}

/**
 * Activating a webhook (again) clears what Scene recorded when it disabled it, and a new URL
 * starts a new failing streak; pending deliveries, held while the webhook was inactive, are
 * then sent.
 */
export function updateWebhook(
  ctx: AppContext,
  id: string,
  input: UpdateWebhookInput,
  actor: Actor,
): Promise<Webhook> {
  if (input.url !== undefined) assertNotOwnAddress(ctx, input.url);
  return inTransaction(ctx.db, async (trx) => {
    const before = await getWebhook(trx, id);
    const { description: _d, disabledReason, failingSince, ...rest } = before;
    const url = input.url ?? before.url;
    const active = input.active ?? before.active;
    const keepDisabledReason = !active && disabledReason !== undefined;
    const keepFailingSince =
      !(active && !before.active) && url === before.url && failingSince !== undefined;
    const description = input.description === undefined ? before.description : input.description;
    const after: Webhook = {
      ...rest,
      url,
      events: input.events ?? before.events,
      active,
      ...(description !== null && description !== undefined && { description }),
      ...(keepDisabledReason && { disabledReason }),
      ...(keepFailingSince && { failingSince }),
      updatedAt: nowIso(),
    };
    await updateWebhookRow(trx, after);
    await recordAudit(trx, {
      actor,
      action: 'update',
      entityType: 'webhook',
      entityId: id,
      projectId: before.projectId,
      before,
      after,
    });
    return after;
  });
}

/** Deletes the webhook with its deliveries and their attempt log (database cascade). */
export function deleteWebhook(ctx: AppContext, id: string, actor: Actor): Promise<void> {
  return inTransaction(ctx.db, async (trx) => {
    const before = await getWebhook(trx, id);
    if (!(await deleteWebhookRow(trx, id))) throw notFound('webhook', id);
    await recordAudit(trx, {
      actor,
      action: 'delete',
      entityType: 'webhook',
      entityId: id,
      projectId: before.projectId,
      before,
      after: null,
    });
  });
}

/**
 * Replaces the signing secret; returned here and never again. Requests signed from now on use
 * the new one (an attempt already in flight still carries the old signature).
 */
export function rotateWebhookSecret(
  ctx: AppContext,
  id: string,
  actor: Actor,
): Promise<WebhookWithSecret> {
  return inTransaction(ctx.db, async (trx) => {
    const before = await getWebhook(trx, id);
    const after: Webhook = { ...before, updatedAt: nowIso() };
    const secret = newWebhookSecret();
    await updateWebhookSecret(trx, id, secret, after.updatedAt);
    await recordAudit(trx, {
      actor,
      action: 'update',
      entityType: 'webhook',
      entityId: id,
      projectId: before.projectId,
      before,
      after,
      secretsChanged: ['secret'],
    });
    return { ...after, secret };
  });
}
