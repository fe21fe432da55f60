import { z } from 'zod';
import type { AppContext } from '../../../app-context.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { roleSchema } from '../../../auth/roles.ts';
import { createUserSchema, updateUserSchema } from '../../../auth/user.schema.ts';
import {
  createUser,
  listUsers,
  removeMembership,
  setMembership,
  updateUser,
} from '../../../auth/users.service.ts';
import { listProjects } from '../../../projects/projects.service.ts';
import { idSchema } from '../../../shared/schemas.ts';
import { AppError } from '../../../shared/errors.ts';
import { actorOf } from '../../actor.ts';
import { pageContextOf } from '../layout/page-context.ts';
import { checkboxField, formBodyOf, optionalText, textField } from '../shared/form-data.ts';
import { sendPage } from '../shared/html-response.ts';
import { redirectWithToast } from '../shared/toast.ts';
import type { UiApp } from '../shared/ui-types.ts';
import { UsersPage } from './users-page.tsx';

/** Users (admin only, by route-permissions.ts): list, add, role and active flag. */
export function registerUserScreens(app: UiApp, ctx: AppContext): void {
  app.get('/users', async (request, reply) => {
    const page = await pageContextOf(request, reply, ctx);
    const [users, projects] = await Promise.all([
      listUsers(ctx.db),
      listProjects(ctx, { limit: 200 }),
    ]);
    return sendPage(reply, <UsersPage page={page} users={users.items} projects={projects.items} />);
  });

  app.post('/users', async (request, reply) => {
    const body = formBodyOf(request);
    const parsed = createUserSchema.safeParse({
      email: textField(body, 'email'),
      role: textField(body, 'role'),
      ...(optionalText(body, 'password') !== undefined && {
        password: optionalText(body, 'password'),
      }),
    });
    if (!parsed.success) {
      const message = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
      return redirectWithToast(request, reply, '/users', {
        kind: 'error',
        message: message.join('; '),
      });
    }
    try {
      const user = await createUser(ctx, parsed.data, actorOf(request, 'ui'));
      return redirectWithToast(request, reply, '/users', {
        kind: 'success',
        message: `User ${user.email} added`,
      });
    } catch (error) {
      if (!(error instanceof AppError) || error.code === 'internal') throw error;
      return redirectWithToast(request, reply, '/users', { kind: 'error', message: error.message });
    }
  });

  app.post('/users/:id', async (request, reply) => {
    const body = formBodyOf(request);
    const { id } = request.params as { id: string };
    const input = updateUserSchema.parse({
      role: textField(body, 'role'),
      active: checkboxField(body, 'active'),
    });
    try {
      const user = await updateUser(ctx, id, input, actorOf(request, 'ui'));
      return redirectWithToast(request, reply, '/users', {
        kind: 'success',
        message: `User ${user.email} saved`,
      });
    } catch (error) {
      if (!(error instanceof AppError) || error.code === 'internal') throw error;
      return redirectWithToast(request, reply, '/users', { kind: 'error', message: error.message });
    }
  });

  // Memberships: the same service functions (and audit entries) as the API's
  // PUT|DELETE /api/v1/projects/{id}/members/{userId}.
  app.post('/users/:id/memberships', (request, reply) => {
    const body = formBodyOf(request);
    return saveMembership(request, reply, textField(body, 'projectId'), textField(body, 'role'));
  });

  app.post('/users/:id/memberships/:projectId', (request, reply) => {
    const { projectId } = request.params as { projectId: string };
    return saveMembership(request, reply, projectId, textField(formBodyOf(request), 'role'));
  });

  app.post('/users/:id/memberships/:projectId/delete', (request, reply) => {
    const { id, projectId } = request.params as { id: string; projectId: string };
    return toastOutcome(request, reply, async () => {
      await removeMembership(
        ctx,
        idSchema.parse(projectId),
        idSchema.parse(id),
        actorOf(request, 'ui'),
      );
      return 'Membership removed';
    });
  });

  function saveMembership(
    request: FastifyRequest,
    reply: FastifyReply,
    projectId: string,
    role: string,
  ) {
    const { id } = request.params as { id: string };
    return toastOutcome(request, reply, async () => {
      const user = await setMembership(
        ctx,
        idSchema.parse(projectId),
        idSchema.parse(id),
        roleSchema.parse(role),
        actorOf(request, 'ui'),
      );
      return `${user.email} is now ${role} in the project`;
    });
  }
}

/** Back to the users screen with the outcome as a toast; expected errors are shown, not thrown. */
async function toastOutcome(
  request: FastifyRequest,
  reply: FastifyReply,
  change: () => Promise<string>,
) {
  try {
    const message = await change();
    return redirectWithToast(request, reply, '/users', { kind: 'success', message });
  } catch (error) {
    const message =
      error instanceof AppError && error.code !== 'internal'
        ? error.message
        : error instanceof z.ZodError
          ? error.issues.map((i) => i.message).join('; ')
          : undefined;
    if (message === undefined) throw error;
    return redirectWithToast(request, reply, '/users', { kind: 'error', message });
  }
}
