import { browserAvailability } from '../../../capture/browser-availability.ts';
import type { AppContext } from '../../../app-context.ts';
import { getProject } from '../../../projects/projects.service.ts';
import { settingsPatchSchema } from '../../../settings/settings.schema.ts';
import {
  getGlobalSettings,
  getProjectSettings,
  updateGlobalSettings,
  updateProjectSettings,
} from '../../../settings/settings.service.ts';
import { actorOf } from '../../actor.ts';
import { PageHeader } from '../components/page-header.tsx';
import { Layout } from '../layout/layout.tsx';
import { pageContextOf } from '../layout/page-context.ts';
import { ProjectShell, projectTabHref } from '../layout/project-shell.tsx';
import { attempt } from '../shared/attempt.ts';
import { formBodyOf } from '../shared/form-data.ts';
import { validateForm } from '../shared/form-errors.ts';
import { sendFragment, sendPage } from '../shared/html-response.ts';
import { idParamOf } from '../shared/route-params.ts';
import { redirectWithToast } from '../shared/toast.ts';
import type { UiApp } from '../shared/ui-types.ts';
import {
  globalSettingsPatchOf,
  projectSettingsPatchOf,
  SettingsForm,
  settingsFieldOfServiceError,
  settingsFormValues,
  settingsFormValuesOf,
} from './settings-form.tsx';

export function registerSettingsScreens(app: UiApp, ctx: AppContext): void {
  const browsers = () => browserAvailability({ chromiumPath: ctx.config.chromiumPath });
  app.get('/settings', async (request, reply) => {
    const settings = await getGlobalSettings(ctx.db);
    const page = await pageContextOf(request, reply, ctx);
    return sendPage(
      reply,
      <Layout title="Settings" section="settings" page={page}>
        <PageHeader
          title="Settings"
          subtitle="Defaults for every project; a project can override them in its Settings tab."
        />
        <SettingsForm
          mode="global"
          action="/settings"
          values={settingsFormValues(settings)}
          browsers={await browsers()}
        />
      </Layout>,
    );
  });

  app.post('/settings', async (request, reply) => {
    const body = formBodyOf(request);
    const patch = validateForm(settingsPatchSchema, globalSettingsPatchOf(body));
    const saved = patch.ok
      ? await attempt(
          () => updateGlobalSettings(ctx, patch.value, actorOf(request, 'ui')),
          settingsFieldOfServiceError,
        )
      : patch;
    if (!saved.ok) {
      return sendFragment(
        reply,
        <SettingsForm
          mode="global"
          action="/settings"
          values={settingsFormValuesOf(body)}
          errors={saved.errors}
          browsers={await browsers()}
        />,
        422,
      );
    }
    return redirectWithToast(request, reply, '/settings', {
      kind: 'success',
      message: 'Settings saved',
    });
  });

  app.get('/projects/:id/settings', async (request, reply) => {
    const project = await getProject(ctx.db, idParamOf(request.params));
    const { overriddenKeys, ...settings } = await getProjectSettings(ctx.db, project.id);
    const page = await pageContextOf(request, reply, ctx, project.id);
    return sendPage(
      reply,
      <ProjectShell project={project} tab="settings" page={page}>
        <SettingsForm
          mode="project"
          action={`/projects/${project.id}/settings`}
          values={settingsFormValues(settings, overriddenKeys)}
          browsers={await browsers()}
        />
      </ProjectShell>,
    );
  });

  app.post('/projects/:id/settings', async (request, reply) => {
    const project = await getProject(ctx.db, idParamOf(request.params));
    const body = formBodyOf(request);
    const patch = validateForm(settingsPatchSchema, projectSettingsPatchOf(body));
    const saved = patch.ok
      ? await attempt(
          () => updateProjectSettings(ctx, project.id, patch.value, actorOf(request, 'ui')),
          settingsFieldOfServiceError,
        )
      : patch;
    if (!saved.ok) {
      return sendFragment(
        reply,
        <SettingsForm
          mode="project"
          action={`/projects/${project.id}/settings`}
          values={settingsFormValuesOf(body)}
          errors={saved.errors}
          browsers={await browsers()}
        />,
        422,
      );
    }
    return redirectWithToast(request, reply, projectTabHref(project.id, 'settings'), {
      kind: 'success',
      message: `Settings of "${project.name}" saved`,
    });
  });
}
