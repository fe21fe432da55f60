import type { AppContext } from '../../../app-context.ts';
import { getProject } from '../../../projects/projects.service.ts';
import { EmptyState } from '../components/empty-state.tsx';
import { parseQuery } from '../shared/attempt.ts';
import { sendPage } from '../shared/html-response.ts';
import type { UiApp } from '../shared/ui-types.ts';
import { idSchema } from '../../../shared/schemas.ts';
import { pageContextOf } from './page-context.ts';
import { ProjectShell, projectTabs } from './project-shell.tsx';

/** Project tabs no screen has registered yet show an honest placeholder instead of a 404. */
export function registerMissingProjectTabs(app: UiApp, ctx: AppContext): void {
  for (const tab of projectTabs) {
    const url = `/projects/:id/${tab.id}`;
    if (app.hasRoute({ method: 'GET', url })) continue;
    app.get(url, async (request, reply) => {
      const id = parseQuery(idSchema, (request.params as { id?: unknown }).id);
      const project = await getProject(ctx.db, id);
      const page = await pageContextOf(request, reply, ctx);
      return sendPage(
        reply,
        <ProjectShell project={project} tab={tab.id} page={page}>
          <EmptyState title={`${tab.label} are not available in this version`} />
        </ProjectShell>,
      );
    });
  }
}
