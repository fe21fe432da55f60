import type { AppContext } from '../../../app-context.ts';
import type { BackstopConfig } from '../../../imports/backstop.ts';
import {
  backstopFileSizeProblem,
  maxBackstopFileBytes,
  readBackstopFile,
} from '../../../imports/backstop-file.ts';
import { importBackstop } from '../../../imports/import-backstop.ts';
import { importStorybook } from '../../../imports/import-storybook.ts';
import { actorOf } from '../../actor.ts';
import { backstopImportBodySchema, storybookImportBodySchema } from '../../api/imports.routes.ts';
import { pageContextOf } from '../layout/page-context.ts';
import { attempt } from '../shared/attempt.ts';
import { formBodyOf, optionalText, textField } from '../shared/form-data.ts';
import { validateForm } from '../shared/form-errors.ts';
import { sendFragment, sendPage } from '../shared/html-response.ts';
import type { UiApp } from '../shared/ui-types.ts';
import { BackstopForm, ImportPage, StorybookForm } from './import-page.tsx';

const tagsOf = (text: string) =>
  text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');

export function registerImportScreens(app: UiApp, ctx: AppContext): void {
  app.get('/imports', async (request, reply) =>
    sendPage(reply, <ImportPage page={await pageContextOf(request, reply, ctx)} />),
  );

  app.post('/imports/storybook', async (request, reply) => {
    const body = formBodyOf(request);
    const values = {
      url: textField(body, 'url'),
      project: textField(body, 'project'),
      includeTags: textField(body, 'includeTags'),
      excludeTags: textField(body, 'excludeTags'),
    };
    const project = optionalText(body, 'project');
    const input = validateForm(storybookImportBodySchema, {
      url: values.url.trim(),
      ...(project !== undefined && { project }),
      includeTags: tagsOf(values.includeTags),
      excludeTags: tagsOf(values.excludeTags),
    });
    const imported = input.ok
      ? await attempt(
          () =>
            importStorybook(
              ctx,
              input.value.url,
              {
                projectName: input.value.project,
                filter: {
                  includeTags: input.value.includeTags ?? [],
                  excludeTags: input.value.excludeTags ?? [],
                },
              },
              actorOf(request, 'ui'),
            ),
          'url',
        )
      : input;
    if (!imported.ok) {
      return sendFragment(reply, <StorybookForm values={values} errors={imported.errors} />, 422);
    }
    return sendFragment(reply, <StorybookForm values={values} result={imported.value} />);
  });

  // A form-encoded 5 MB backstop.json can triple in size (%XX escapes); a bigger file is refused
  // with its size (backstopFileSizeProblem), not by Fastify with a bare 413.
  app.post(
    '/imports/backstop',
    { bodyLimit: 3 * maxBackstopFileBytes + 64 * 1024 },
    async (request, reply) => {
      const body = formBodyOf(request);
      const values = { config: textField(body, 'config'), project: textField(body, 'project') };
      const project = optionalText(body, 'project');
      const tooBig = backstopFileSizeProblem(Buffer.byteLength(values.config));
      if (tooBig) {
        // Not echoed back: too big to be worth editing in the page.
        const errors = { config: `backstop.json is ${tooBig}` };
        return sendFragment(
          reply,
          <BackstopForm values={{ ...values, config: '' }} errors={errors} />,
          422,
        );
      }
      const reading = readBackstopFile(values.config);
      if (!reading.ok) {
        const errors = { config: reading.problem };
        return sendFragment(reply, <BackstopForm values={values} errors={errors} />, 422);
      }
      const input = validateForm(backstopImportBodySchema, {
        config: reading.config,
        ...(project !== undefined && { project }),
      });
      const imported = input.ok
        ? await attempt(() =>
            importBackstop(
              ctx,
              input.value.config as BackstopConfig,
              { projectName: input.value.project, cookies: {} },
              actorOf(request, 'ui'),
            ),
          )
        : input;
      if (!imported.ok) {
        return sendFragment(reply, <BackstopForm values={values} errors={imported.errors} />, 422);
      }
      return sendFragment(reply, <BackstopForm values={values} result={imported.value} />);
    },
  );
}
