import type { Baseline } from '../../../baselines/baseline.schema.ts';
import type { Batch } from '../../../batches/batch.schema.ts';
import { describeRunMatrix, type RunMatrixShape } from '../../../runs/run-matrix.ts';
import type { Project } from '../../../projects/project.schema.ts';
import { shortId } from '../components/badges.tsx';
import { FormErrors, SelectField, TextField } from '../components/fields.tsx';
import { formatUtc } from '../components/time.tsx';
import { unplacedErrors, type FieldErrors } from '../shared/form-errors.ts';

/** The launcher's choices; remembered in a cookie after each launch. */
export interface LauncherChoice {
  projectId?: string | undefined;
  batchId?: string | undefined;
  mode: 'baseline' | 'compare' | 'reference';
  /** 'latest', a baseline id, or 'prefix' (then `baselinePrefix` holds the typed prefix). */
  baselineChoice: string;
  baselinePrefix: string;
  jiraIssue: string;
  /** A git branch, or '' for none (the run is then on the base branch, main). */
  branch: string;
}

export const defaultLauncherChoice: LauncherChoice = {
  mode: 'compare',
  baselineChoice: 'latest',
  baselinePrefix: '',
  jiraIssue: '',
  branch: '',
};

const placed = [
  'projectId',
  'batchId',
  'mode',
  'baselineChoice',
  'baselinePrefix',
  'jiraIssue',
  'branch',
];

/**
 * project → batch → mode → baseline. Changing the project, batch or mode re-renders the
 * form from the server (htmx keeps focus on the field with the same id).
 */
export function Launcher(props: {
  projects: Project[];
  batches: Batch[];
  baselines: Baseline[];
  /** What launching the chosen batch would run (element selectors counted). */
  estimate?: RunMatrixShape | undefined;
  choice: LauncherChoice;
  /** On a project's Runs tab the project is fixed. */
  fixedProjectId?: string | undefined;
  errors?: FieldErrors | undefined;
}) {
  const { choice, errors } = props;
  const batch = props.batches.find((b) => b.id === choice.batchId);
  const refresh = {
    'hx-get': '/runs/launcher',
    'hx-trigger': 'change',
    'hx-target': '#launcher',
    'hx-swap': 'outerHTML',
    'hx-include': 'closest form',
  };
  return (
    <form
      id="launcher"
      class="launcher card"
      hx-post="/runs"
      hx-target="this"
      hx-swap="outerHTML"
      novalidate
    >
      <h2 id="launch">Launch a run</h2>
      <FormErrors messages={errors ? unplacedErrors(errors, placed) : []} />
      <div class="launcher-grid">
        {props.fixedProjectId ? (
          <input type="hidden" name="projectId" value={props.fixedProjectId} />
        ) : (
          <div {...refresh}>
            <SelectField
              name="projectId"
              label="Project"
              value={choice.projectId}
              emptyLabel={props.projects.length === 0 ? 'No projects yet' : 'Choose a project'}
              options={props.projects.map((p) => ({ value: p.id, label: p.name }))}
              errors={errors}
            />
          </div>
        )}
        <input type="hidden" name="fixedProject" value={props.fixedProjectId ? 'true' : ''} />
        <div {...refresh}>
          <SelectField
            name="batchId"
            label="Batch"
            value={choice.batchId}
            emptyLabel={
              choice.projectId === undefined
                ? 'Choose a project first'
                : props.batches.length === 0
                  ? 'This project has no batches'
                  : 'Choose a batch'
            }
            options={props.batches.map((b) => ({ value: b.id, label: b.name }))}
            errors={errors}
          />
        </div>
        <fieldset class="field mode-choice" {...refresh}>
          <legend>Mode</legend>
          <label class="checkbox-option">
            <input
              type="radio"
              id="mode-baseline"
              name="mode"
              value="baseline"
              checked={choice.mode === 'baseline'}
            />
            Baseline (record)
          </label>
          <label class="checkbox-option">
            <input
              type="radio"
              id="mode-compare"
              name="mode"
              value="compare"
              checked={choice.mode === 'compare'}
            />
            Compare
          </label>
          <label class="checkbox-option">
            <input
              type="radio"
              id="mode-reference"
              name="mode"
              value="reference"
              checked={choice.mode === 'reference'}
            />
            Reference (URL vs reference URL)
          </label>
        </fieldset>
        {choice.mode === 'compare' && (
          <div {...refresh}>
            <SelectField
              name="baselineChoice"
              label="Compare against"
              value={choice.baselineChoice}
              options={[
                {
                  value: 'latest',
                  label: choice.branch === '' ? 'Latest baseline' : 'Latest baseline of the branch',
                },
                ...props.baselines.map((b) => ({
                  value: b.id,
                  label: `${shortId(b.id)}${b.branch === undefined ? '' : ` · ${b.branch}`} · ${formatUtc(b.createdAt)} · ${b.entries} image${b.entries === 1 ? '' : 's'}`,
                })),
                { value: 'prefix', label: 'A baseline id (type a prefix)…' },
              ]}
              errors={errors}
            />
          </div>
        )}
        {choice.mode === 'compare' && choice.baselineChoice === 'prefix' && (
          <TextField
            name="baselinePrefix"
            label="Baseline id or prefix"
            value={choice.baselinePrefix}
            errors={errors}
            placeholder="e.g. 3f9a"
            autocomplete="off"
          />
        )}
        <TextField
          name="branch"
          label="Branch (optional)"
          value={choice.branch}
          errors={errors}
          placeholder="main"
          hint={
            choice.mode === 'compare'
              ? "Compares with the branch's latest baseline, else main's; approvals change only the branch's."
              : choice.mode === 'reference'
                ? 'Recorded with the run; a reference run needs no baseline.'
                : "Records the branch's baseline."
          }
        />
        <TextField
          name="jiraIssue"
          label="JIRA issue (optional)"
          value={choice.jiraIssue}
          errors={errors}
          placeholder={batch?.jiraIssue ?? 'ABC-123'}
          hint={batch?.jiraIssue ? `Blank: the batch's ${batch.jiraIssue}.` : undefined}
        />
      </div>
      <div class="button-row">
        <button type="submit" class="button primary" disabled={!choice.batchId || undefined}>
          Launch run
        </button>
        {batch && choice.mode === 'reference' && (
          <p class="muted launcher-hint">
            Each page with a reference URL is captured at both URLs and the two are diffed (e.g.
            staging against production); pages without one are captured only.
          </p>
        )}
        {!batch && (
          <p class="muted launcher-hint">
            {props.fixedProjectId
              ? 'Choose a batch to launch a run.'
              : 'Choose a project and a batch to launch a run.'}
          </p>
        )}
        {props.estimate && (
          <span class="muted" title={describeRunMatrix(props.estimate)} safe>
            {`${props.estimate.cells} execution${props.estimate.cells === 1 ? '' : 's'}`}
          </span>
        )}
      </div>
    </form>
  );
}
