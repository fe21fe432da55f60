import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../app-context.ts';
import { toErrorResponse } from '../../http-errors.ts';
import { EmptyState } from '../components/empty-state.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { isHtmxRequest, sendPage } from '../shared/html-response.ts';
import { showToast } from '../shared/toast.ts';
import { Layout } from './layout.tsx';
import { pageContextOf } from './page-context.ts';

const titles: Record<number, string> = {
  400: 'That request is not valid',
  404: 'Not found',
  409: 'Conflict',
  422: 'That cannot be done',
};

/**
 * Errors of UI routes: a full page for navigations, a toast (and no swap) for htmx
 * requests. The message is the same one the REST API would give.
 */
export function uiErrorHandler(ctx: AppContext) {
  return async (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body } = toErrorResponse(error, request);
    if (isHtmxRequest(request)) {
      showToast(reply, { kind: 'error', message: body.error.message });
      return reply.status(status).header('hx-reswap', 'none').type('text/html').send('');
    }
    const page = await pageContextOf(request, reply, ctx).catch(() => ({
      timestampDisplay: 'utc' as const,
    }));
    const title = titles[status] ?? 'Something went wrong';
    return sendPage(
      reply,
      <Layout title={title} page={page}>
        <PageHeader title={title} />
        <EmptyState title={body.error.message}>
          <a class="button" href="/projects">
            Back to projects
          </a>
        </EmptyState>
      </Layout>,
      status,
    );
  };
}
