import type { Children } from '@kitajs/html';
import type { ImportReport } from '../../../imports/backstop.ts';
import type { StorybookReport } from '../../../imports/storybook.ts';
import type { ApplyResult } from '../../../project-files/apply-project.ts';
import { maxBackstopFileBytes } from '../../../imports/backstop-file.ts';
import { FileTextField, FormErrors, TextAreaField, TextField } from '../components/fields.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { projectTabHref } from '../layout/project-shell.tsx';
import { Layout, type PageContext } from '../layout/layout.tsx';
import { unplacedErrors, type FieldErrors } from '../shared/form-errors.ts';

// The Import screen: a BackstopJS configuration (picked or pasted) or a Storybook (its URL) becomes a
// project's pages and batch, through the same services as POST /api/v1/imports/*. Each form is
// replaced by itself plus the import's report.

export interface StorybookFormValues {
  url: string;
  project: string;
  includeTags: string;
  excludeTags: string;
}

export interface BackstopFormValues {
  config: string;
  project: string;
}

function ImportCard(props: {
  id: string;
  title: string;
  action: string;
  intro: string;
  submitLabel: string;
  errors?: FieldErrors | undefined;
  fields: readonly string[];
  children: Children;
  report?: ImportCardReport | undefined;
}) {
  return (
    <section class="card import-card" id={props.id} aria-labelledby={`${props.id}-title`}>
      <form hx-post={props.action} hx-target={`#${props.id}`} hx-swap="outerHTML" novalidate>
        <h2 id={`${props.id}-title`} safe>
          {props.title}
        </h2>
        <p class="muted" safe>
          {props.intro}
        </p>
        <FormErrors messages={unplacedErrors(props.errors ?? {}, props.fields)} />
        {props.children}
        <button type="submit" class="button primary" safe>
          {props.submitLabel}
        </button>
      </form>
      {props.report && <ImportReport {...props.report} />}
    </section>
  );
}

function ReportList(props: { title: string; items: string[] }) {
  if (props.items.length === 0) return <></>;
  return (
    <>
      <h4 safe>{`${props.title} (${props.items.length})`}</h4>
      <ul>
        {props.items.map((item) => (
          <li safe>{item}</li>
        ))}
      </ul>
    </>
  );
}

interface ImportCardReport {
  result: ApplyResult;
  /** One line: what the import did. */
  summary: string;
  /** Named lists of items; empty ones are left out. */
  lists: { title: string; items: string[] }[];
}

function ImportReport(props: ImportCardReport) {
  const { project } = props.result;
  return (
    <div class="import-report" role="status">
      <h3>Import report</h3>
      <p>
        <strong safe>{props.summary}</strong>{' '}
        {project.id && (
          <a href={projectTabHref(project.id, 'batches')} safe>
            {`Open project ${project.name}`}
          </a>
        )}
      </p>
      {props.lists.map((list) => (
        <ReportList title={list.title} items={list.items} />
      ))}
    </div>
  );
}

export function StorybookForm(props: {
  values: StorybookFormValues;
  errors?: FieldErrors | undefined;
  result?: (ApplyResult & { report: StorybookReport }) | undefined;
}) {
  const { values, errors, result } = props;
  const report = result?.report;
  return (
    <ImportCard
      id="storybook-import"
      title="Storybook"
      action="/imports/storybook"
      intro="A page per story (docs entries skipped) and the batch storybook. Import again to add new stories and remove vanished ones; pages you added to the batch yourself stay."
      submitLabel="Import stories"
      errors={errors}
      fields={['url', 'project', 'includeTags', 'excludeTags']}
      report={
        result &&
        report && {
          result,
          summary: `${report.stories} stories; pages: ${report.added.length} added, ${report.updated.length} updated, ${report.removed.length} removed, ${report.kept.length} kept (added by hand); ${report.skipped.length} entries skipped (${result.changes.length} change(s)).`,
          lists: [
            { title: 'Added', items: report.added },
            { title: 'Updated (reset to the story)', items: report.updated },
            { title: 'Removed', items: report.removed },
            { title: 'Kept in the batch (added by hand)', items: report.kept },
            { title: 'Skipped', items: report.skipped.map((s) => `${s.entry}: ${s.reason}`) },
          ],
        }
      }
    >
      <TextField
        name="url"
        label="Storybook URL"
        type="url"
        value={values.url}
        errors={errors}
        required
        placeholder="https://design.example.com/storybook/"
        hint="Its root, index.html or iframe.html; Scene reads index.json (Storybook 7+) or stories.json (6)."
      />
      <TextField
        id="storybook-project"
        name="project"
        label="Project"
        value={values.project}
        errors={errors}
        hint="Created if missing; default storybook."
      />
      <TextField
        name="includeTags"
        label="Only stories tagged"
        value={values.includeTags}
        errors={errors}
        hint="Comma-separated; empty: every story."
      />
      <TextField
        name="excludeTags"
        label="Skip stories tagged"
        value={values.excludeTags}
        errors={errors}
        placeholder="no-visual"
        hint="Comma-separated."
      />
    </ImportCard>
  );
}

export function BackstopForm(props: {
  values: BackstopFormValues;
  errors?: FieldErrors | undefined;
  result?: (ApplyResult & { report: ImportReport }) | undefined;
}) {
  const { values, errors, result } = props;
  const report = result?.report;
  return (
    <ImportCard
      id="backstop-import"
      title="BackstopJS"
      action="/imports/backstop"
      intro="A page per scenario, a batch of them and the configuration's viewports. Node scripts (onReadyScript, onBeforeScript) cannot be imported: the report names them."
      submitLabel="Import scenarios"
      errors={errors}
      fields={['config', 'project']}
      report={
        result &&
        report && {
          result,
          summary: `${report.mapped.length} scenario(s) imported (${result.changes.length} change(s)).`,
          lists: [
            { title: 'Viewports added', items: report.viewportsAdded },
            {
              title: 'Not imported',
              items: report.notMapped.map(
                (n) => `${n.scenario ? `${n.scenario}: ` : ''}${n.field}: ${n.reason}`,
              ),
            },
            {
              title: 'Imported',
              items: report.mapped.map((m) => `${m.scenario} → ${m.fields.join(', ')}`),
            },
          ],
        }
      }
    >
      <FileTextField
        id="backstop-file"
        label="Choose a file"
        fills="field-config"
        accept=".json,application/json"
        maxBytes={maxBackstopFileBytes}
        reader="backstop"
        hint="Your backstop.json (up to 5 MB): its text fills the field below."
      />
      <TextAreaField
        name="config"
        label="backstop.json"
        value={values.config}
        errors={errors}
        rows={10}
        mono
        required
        hint="Or paste its contents. Cookie files (cookiePath) are read only by scene import backstop."
      />
      <TextField
        id="backstop-project"
        name="project"
        label="Project"
        value={values.project}
        errors={errors}
        hint="Created if missing; default the configuration's id."
      />
    </ImportCard>
  );
}

export function ImportPage(props: { page: PageContext }) {
  return (
    <Layout title="Import" section="imports" page={props.page}>
      <PageHeader
        title="Import"
        subtitle="Bring pages from another tool: each import creates or updates a project's pages and batch, and reports what it could not map."
      />
      <div class="import-grid">
        <StorybookForm values={{ url: '', project: '', includeTags: '', excludeTags: '' }} />
        <BackstopForm values={{ config: '', project: '' }} />
      </div>
    </Layout>
  );
}
