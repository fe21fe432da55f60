import type { Batch } from '../../../batches/batch.schema.ts';
import {
  defaultDiffThreshold,
  defaultEnvironmentDriftPolicy,
} from '../../../batches/batch.schema.ts';
import type { Page } from '../../../pages/page.schema.ts';
import type { Settings } from '../../../settings/settings.schema.ts';
import type { Task } from '../../../tasks/task.schema.ts';
import { defaultFrozenTime } from '../../../capture/determinism-defaults.ts';
import {
  CheckboxField,
  CheckboxGroup,
  NameField,
  PercentField,
  SelectField,
  TextField,
} from '../components/fields.tsx';
import { RecordModalForm } from '../components/record-modal-form.tsx';
import {
  checkboxField,
  listField,
  numberField,
  optionalText,
  textField,
  type FormBody,
} from '../shared/form-data.ts';
import type { FieldErrors } from '../shared/form-errors.ts';

export interface BatchFormValues {
  name: string;
  pageIds: string[];
  taskIds: string[];
  browsers: string[];
  viewports: string[];
  jiraIssue: string;
  executionDiffThreshold: string;
  runDiffThreshold: string;
  freezeTime: boolean;
  seedRandom: boolean;
  recordVideo: boolean;
  frozenTime: string;
  onEnvironmentDrift: string;
  ignoreMoves: boolean;
}

export function batchFormValues(batch: Batch | undefined, settings: Settings): BatchFormValues {
  return {
    name: batch?.name ?? '',
    pageIds: batch?.pageIds ?? [],
    taskIds: batch?.taskIds ?? [],
    browsers: batch?.browsers ?? settings.browsers.slice(0, 1),
    viewports: batch?.viewports ?? settings.viewports.map((v) => v.name),
    jiraIssue: batch?.jiraIssue ?? '',
    executionDiffThreshold: String(batch?.executionDiffThreshold ?? defaultDiffThreshold),
    runDiffThreshold: String(batch?.runDiffThreshold ?? defaultDiffThreshold),
    freezeTime: batch?.freezeTime ?? true,
    seedRandom: batch?.seedRandom ?? true,
    recordVideo: batch?.recordVideo ?? false,
    frozenTime: batch?.frozenTime ?? '',
    onEnvironmentDrift: batch?.onEnvironmentDrift ?? defaultEnvironmentDriftPolicy,
    ignoreMoves: batch?.ignoreMoves ?? false,
  };
}

export function batchFormValuesOf(body: FormBody): BatchFormValues {
  return {
    name: textField(body, 'name'),
    pageIds: listField(body, 'pageIds'),
    taskIds: listField(body, 'taskIds'),
    browsers: listField(body, 'browsers'),
    viewports: listField(body, 'viewports'),
    jiraIssue: textField(body, 'jiraIssue'),
    executionDiffThreshold: textField(body, 'executionDiffThreshold'),
    runDiffThreshold: textField(body, 'runDiffThreshold'),
    freezeTime: checkboxField(body, 'freezeTime'),
    seedRandom: checkboxField(body, 'seedRandom'),
    recordVideo: checkboxField(body, 'recordVideo'),
    frozenTime: textField(body, 'frozenTime'),
    onEnvironmentDrift: textField(body, 'onEnvironmentDrift'),
    ignoreMoves: checkboxField(body, 'ignoreMoves'),
  };
}

/** Input for createBatchSchema / updateBatchSchema (every field is sent: the form shows them all). */
export function batchInputOf(body: FormBody, mode: 'create' | 'update') {
  const jiraIssue = optionalText(body, 'jiraIssue')?.trim();
  const frozenTime = optionalText(body, 'frozenTime')?.trim();
  return {
    name: textField(body, 'name'),
    pageIds: listField(body, 'pageIds'),
    taskIds: listField(body, 'taskIds'),
    browsers: listField(body, 'browsers'),
    viewports: listField(body, 'viewports'),
    jiraIssue: mode === 'update' ? (jiraIssue ?? null) : jiraIssue,
    executionDiffThreshold: numberField(body, 'executionDiffThreshold'),
    runDiffThreshold: numberField(body, 'runDiffThreshold'),
    freezeTime: checkboxField(body, 'freezeTime'),
    seedRandom: checkboxField(body, 'seedRandom'),
    recordVideo: checkboxField(body, 'recordVideo'),
    frozenTime: mode === 'update' ? (frozenTime ?? null) : frozenTime,
    onEnvironmentDrift: optionalText(body, 'onEnvironmentDrift'),
    ignoreMoves: checkboxField(body, 'ignoreMoves'),
  };
}

/** Which form field a refusal of the batches service concerns. */
export function batchFieldOfServiceError(message: string): string | undefined {
  for (const field of ['pageIds', 'taskIds', 'browsers', 'viewports']) {
    if (message.startsWith(`${field}:`)) return field;
  }
  return message.includes('named') ? 'name' : undefined;
}

const placed = [
  'name',
  'pageIds',
  'taskIds',
  'browsers',
  'viewports',
  'jiraIssue',
  'executionDiffThreshold',
  'runDiffThreshold',
  'freezeTime',
  'seedRandom',
  'recordVideo',
  'frozenTime',
  'onEnvironmentDrift',
  'ignoreMoves',
];

export function BatchForm(props: {
  projectId: string;
  batch?: Batch | undefined;
  pages: Page[];
  tasks: Task[];
  settings: Settings;
  values: BatchFormValues;
  errors?: FieldErrors | undefined;
}) {
  const { batch, values, errors, settings } = props;
  return (
    <RecordModalForm
      kind="batch"
      projectId={props.projectId}
      recordId={batch?.id}
      placedFields={placed}
      errors={errors}
      wide
    >
      <div class="form-grid">
        <NameField value={values.name} errors={errors} />
        <TextField
          name="jiraIssue"
          label="JIRA issue (optional)"
          value={values.jiraIssue}
          errors={errors}
          placeholder="ABC-123"
        />
      </div>
      <CheckboxGroup
        name="pageIds"
        label="Pages"
        options={props.pages.map((p) => ({ value: p.id, label: p.name }))}
        checked={values.pageIds}
        errors={errors}
        emptyText="This project has no pages yet: add pages first."
      />
      <CheckboxGroup
        name="taskIds"
        label="Tasks (optional)"
        options={props.tasks.map((t) => ({ value: t.id, label: t.name }))}
        checked={values.taskIds}
        errors={errors}
        hint="Each task runs on every page; with none, pages are captured as loaded."
        emptyText="No tasks: pages are captured as loaded."
      />
      <div class="form-grid">
        <CheckboxGroup
          name="browsers"
          label="Browsers"
          options={settings.browsers.map((b) => ({ value: b, label: b }))}
          checked={values.browsers}
          errors={errors}
        />
        <CheckboxGroup
          name="viewports"
          label="Viewports"
          options={settings.viewports.map((v) => ({
            value: v.name,
            label: `${v.name} (${v.width}×${v.height})`,
          }))}
          checked={values.viewports}
          errors={errors}
        />
      </div>
      <div class="form-grid">
        <PercentField
          name="executionDiffThreshold"
          label="Execution threshold (% of pixels)"
          value={values.executionDiffThreshold}
          errors={errors}
          hint="Above it, a change is major; at or below, minor."
        />
        <PercentField
          name="runDiffThreshold"
          label="Run threshold (% of pixels)"
          value={values.runDiffThreshold}
          errors={errors}
          hint="Applied to the run's largest change."
        />
      </div>
      <div class="form-grid">
        <CheckboxField
          name="freezeTime"
          label="Freeze time in its pages"
          checked={values.freezeTime}
          errors={errors}
          hint="Off: every page of the batch runs in real time, whatever the page says."
        />
        <CheckboxField
          name="seedRandom"
          label="Seed randomness in its pages"
          checked={values.seedRandom}
          errors={errors}
        />
        <CheckboxField
          name="recordVideo"
          label="Record a video of each execution"
          checked={values.recordVideo}
          errors={errors}
          hint="Chromium only; encoded by the machine's ffmpeg and shown in the viewer."
        />
      </div>
      <TextField
        name="frozenTime"
        label="Frozen instant (ISO-8601)"
        value={values.frozenTime}
        errors={errors}
        placeholder={defaultFrozenTime}
        hint="What frozen pages see as now. Blank: the default instant."
      />
      <SelectField
        name="onEnvironmentDrift"
        label="When a compare is rendered elsewhere than its baseline"
        value={values.onEnvironmentDrift}
        options={[
          { value: 'warn', label: 'Warn (keep the diff’s verdict)' },
          { value: 'fail', label: 'Fail the cell' },
          { value: 'ignore', label: 'Ignore' },
        ]}
        errors={errors}
        hint="Another browser version, OS, font set, pixel ratio or Scene version than the baseline image’s."
      />
      <CheckboxField
        name="ignoreMoves"
        label="Ignore moves when grading"
        checked={values.ignoreMoves}
        errors={errors}
        hint="Grade by the pixels that changed beyond what merely moved (an inserted banner counts, the content it pushed down does not)."
      />
    </RecordModalForm>
  );
}
