import type { AppContext } from '../../../app-context.ts';
import { createUserSchema, updateUserSchema } from '../../../auth/user.schema.ts';
import { createUser, listUsers, updateUser } from '../../../auth/users.service.ts';
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
    return sendPage(reply, <UsersPage page={page} users={(await listUsers(ctx.db)).items} />);
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
}
