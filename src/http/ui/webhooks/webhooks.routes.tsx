import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../../app-context.ts';
import { getProject } from '../../../projects/projects.service.ts';
import {
  getDelivery,
  listDeliveries,
  pingWebhook,
  redeliver,
} from '../../../webhooks/deliveries.service.ts';
import {
  createWebhookSchema,
  deliveryStatuses,
  updateWebhookSchema,
  type DeliveryStatus,
} from '../../../webhooks/webhook.schema.ts';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listWebhooks,
  rotateWebhookSecret,
  updateWebhook,
} from '../../../webhooks/webhooks.service.ts';
import { actorOf } from '../../actor.ts';
import { PageHeader } from '../components/page-header.tsx';
import { pageContextOf } from '../layout/page-context.ts';
import { ProjectShell, projectTabHref } from '../layout/project-shell.tsx';
import { attempt, parseQuery } from '../shared/attempt.ts';
import { formBodyOf } from '../shared/form-data.ts';
import { validateForm } from '../shared/form-errors.ts';
import { currentPagePath, sendFragment, sendPage, sendPartials } from '../shared/html-response.ts';
import { idParamOf } from '../shared/route-params.ts';
import { closeModal, showToast } from '../shared/toast.ts';
import type { UiApp } from '../shared/ui-types.ts';
import { DeliveriesFilter, DeliveriesPanel } from './deliveries-panel.tsx';
import { SecretOnce } from './secret-once.tsx';
import {
  WebhookForm,
  webhookFormValues,
  webhookFormValuesOf,
  webhookInputOf,
} from './webhook-form.tsx';
import { WebhookStateBadge, WebhooksPanel } from './webhooks-panel.tsx';

const deliveriesQuerySchema = z.object({
  status: z.preprocess((v) => (v === '' ? undefined : v), z.enum(deliveryStatuses).optional()),
  cursor: z.string().max(500).optional(),
});

/** A fragment for the htmx target plus <hx-partial>s for other parts of the page. */
async function sendFragmentAndPartials(
  reply: FastifyReply,
  fragment: JSX.Element,
  partials: { id: string; html: JSX.Element }[],
): Promise<FastifyReply> {
  let body = await fragment;
  for (const partial of partials) {
    body += `<hx-partial hx-target="#${partial.id}" hx-swap="outerHTML">${await partial.html}</hx-partial>`;
  }
  return reply
    .status(200)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(body);
}

/** The status filter of the deliveries page the htmx request came from, if it came from one. */
function deliveriesPageStatus(
  currentPath: string,
  webhookId: string,
): { status: DeliveryStatus | undefined } | undefined {
  const url = new URL(currentPath, 'http://scene.invalid');
  if (url.pathname !== `/webhooks/${webhookId}/deliveries`) return undefined;
  const status = url.searchParams.get('status');
  return {
    status: deliveryStatuses.find((s) => s === status),
  };
}

export function registerWebhookScreens(app: UiApp, ctx: AppContext): void {
  const panel = async (projectId: string) => (
    <WebhooksPanel
      projectId={projectId}
      webhooks={(await listWebhooks(ctx, projectId, { limit: 200 })).items}
    />
  );
  const deliveriesPanel = async (webhookId: string, status?: DeliveryStatus, cursor?: string) => {
    const webhook = await getWebhook(ctx.db, webhookId);
    const deliveries = await listDeliveries(ctx, webhookId, { status, cursor, limit: 50 });
    return (
      <DeliveriesPanel
        webhook={webhook}
        deliveries={deliveries}
        status={status}
        {...(cursor !== undefined && { cursor })}
      />
    );
  };

  app.get('/projects/:id/webhooks', async (request, reply) => {
    const project = await getProject(ctx.db, idParamOf(request.params));
    const page = await pageContextOf(request, reply, ctx, project.id);
    return sendPage(
      reply,
      <ProjectShell project={project} tab="webhooks" page={page}>
        {await panel(project.id)}
      </ProjectShell>,
    );
  });

  app.get('/projects/:id/webhooks/new', async (request, reply) => {
    const project = await getProject(ctx.db, idParamOf(request.params));
    return sendFragment(reply, <WebhookForm projectId={project.id} values={webhookFormValues()} />);
  });

  app.post('/projects/:id/webhooks', async (request, reply) => {
    const project = await getProject(ctx.db, idParamOf(request.params));
    const body = formBodyOf(request);
    const input = validateForm(createWebhookSchema, webhookInputOf(body, 'create'));
    const created = input.ok
      ? await attempt(() => createWebhook(ctx, project.id, input.value, actorOf(request, 'ui')))
      : input;
    if (!created.ok) {
      return sendFragment(
        reply,
        <WebhookForm
          projectId={project.id}
          values={webhookFormValuesOf(body)}
          errors={created.errors}
        />,
        422,
      );
    }
    // The form's place in the dialog shows the secret (once); the list behind it updates.
    showToast(reply, { kind: 'success', message: 'Webhook created' });
    return sendFragmentAndPartials(reply, <SecretOnce webhook={created.value} rotated={false} />, [
      { id: 'webhooks-panel', html: panel(project.id) },
    ]);
  });

  app.get('/webhooks/:id/edit', async (request, reply) => {
    const webhook = await getWebhook(ctx.db, idParamOf(request.params));
    return sendFragment(
      reply,
      <WebhookForm
        projectId={webhook.projectId}
        webhook={webhook}
        values={webhookFormValues(webhook)}
      />,
    );
  });

  app.patch('/webhooks/:id', async (request, reply) => {
    const webhook = await getWebhook(ctx.db, idParamOf(request.params));
    const body = formBodyOf(request);
    const input = validateForm(updateWebhookSchema, webhookInputOf(body, 'update'));
    const updated = input.ok
      ? await attempt(() => updateWebhook(ctx, webhook.id, input.value, actorOf(request, 'ui')))
      : input;
    if (!updated.ok) {
      return sendFragment(
        reply,
        <WebhookForm
          projectId={webhook.projectId}
          webhook={webhook}
          values={webhookFormValuesOf(body)}
          errors={updated.errors}
        />,
        422,
      );
    }
    closeModal(reply);
    showToast(reply, { kind: 'success', message: 'Webhook saved' });
    return sendPartials(reply, [{ id: 'webhooks-panel', html: panel(webhook.projectId) }]);
  });

  app.delete('/webhooks/:id', async (request, reply) => {
    const webhook = await getWebhook(ctx.db, idParamOf(request.params));
    await deleteWebhook(ctx, webhook.id, actorOf(request, 'ui'));
    showToast(reply, { kind: 'success', message: 'Webhook deleted' });
    return sendPartials(reply, [{ id: 'webhooks-panel', html: panel(webhook.projectId) }]);
  });

  app.post('/webhooks/:id/rotate-secret', async (request, reply) => {
    const rotated = await rotateWebhookSecret(
      ctx,
      idParamOf(request.params),
      actorOf(request, 'ui'),
    );
    return sendFragment(reply, <SecretOnce webhook={rotated} rotated />);
  });

  app.post('/webhooks/:id/ping', async (request, reply) => {
    const webhook = await getWebhook(ctx.db, idParamOf(request.params));
    await pingWebhook(ctx, webhook.id);
    showToast(reply, { kind: 'success', message: 'Ping queued: see Deliveries for the result' });
    const onDeliveries = deliveriesPageStatus(currentPagePath(request, '/'), webhook.id);
    return sendPartials(
      reply,
      onDeliveries
        ? [{ id: 'deliveries-panel', html: deliveriesPanel(webhook.id, onDeliveries.status) }]
        : [],
    );
  });

  app.get('/webhooks/:id/deliveries', async (request, reply) => {
    const webhook = await getWebhook(ctx.db, idParamOf(request.params));
    const query = parseQuery(deliveriesQuerySchema, request.query);
    const project = await getProject(ctx.db, webhook.projectId);
    const page = await pageContextOf(request, reply, ctx, project.id);
    return sendPage(
      reply,
      <ProjectShell project={project} tab="webhooks" page={page}>
        <PageHeader
          title="Deliveries"
          crumbs={[{ label: 'Webhooks', href: projectTabHref(project.id, 'webhooks') }]}
          subtitle={webhook.url}
          titleAside={<WebhookStateBadge webhook={webhook} />}
          actions={
            <button
              type="button"
              class="button"
              hx-post={`/webhooks/${webhook.id}/ping`}
              hx-swap="none"
              disabled={!webhook.active}
            >
              Send ping
            </button>
          }
        />
        {webhook.disabledReason && (
          <p class="notice notice-error" role="note" safe>
            {`Scene disabled this webhook: ${webhook.disabledReason}. Edit it and tick Active to send again.`}
          </p>
        )}
        <DeliveriesFilter webhookId={webhook.id} status={query.status} />
        {await deliveriesPanel(webhook.id, query.status, query.cursor)}
      </ProjectShell>,
    );
  });

  app.get('/webhooks/:id/deliveries/list', async (request, reply) => {
    const webhookId = idParamOf(request.params);
    const query = parseQuery(deliveriesQuerySchema, request.query);
    return sendFragment(reply, await deliveriesPanel(webhookId, query.status, query.cursor));
  });

  app.post('/deliveries/:id/redeliver', async (request, reply) => {
    const source = await getDelivery(ctx.db, idParamOf(request.params));
    await redeliver(ctx, source.id);
    showToast(reply, { kind: 'success', message: `Redelivery of ${source.eventType} queued` });
    const onDeliveries = deliveriesPageStatus(currentPagePath(request, '/'), source.webhookId);
    return sendPartials(reply, [
      {
        id: 'deliveries-panel',
        html: deliveriesPanel(source.webhookId, onDeliveries?.status),
      },
    ]);
  });
}
