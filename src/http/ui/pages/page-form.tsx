import type { Page } from '../../../pages/page.schema.ts';
import { actionRowsOf, ActionsEditor, type ActionRow } from '../components/actions-editor.tsx';
import {
  CheckboxField,
  LinesField,
  NameField,
  NumberField,
  SelectField,
  selectorsHint,
  TextAreaField,
  TextField,
} from '../components/fields.tsx';
import { RecordModalForm } from '../components/record-modal-form.tsx';
import {
  actionRowsField,
  actionsOf,
  checkboxField,
  linesField,
  numberField,
  optionalText,
  textField,
  type FormBody,
} from '../shared/form-data.ts';
import { renameErrorKeys, type FieldErrors } from '../shared/form-errors.ts';

/** The page form as typed. */
export interface PageFormValues {
  name: string;
  url: string;
  referenceUrl: string;
  authUsername: string;
  authRemove: boolean;
  actions: ActionRow[];
  script: string;
  hideSelectors: string;
  removeSelectors: string;
  maskSelectors: string;
  ignoreRegions: string;
  waitMs: string;
  freezeTime: boolean;
  seedRandom: boolean;
  captureScope: string;
  captureSelectors: string;
}

export function pageFormValues(page?: Page): PageFormValues {
  return {
    name: page?.name ?? '',
    url: page?.url ?? '',
    referenceUrl: page?.referenceUrl ?? '',
    authUsername: page?.basicAuth?.username ?? '',
    authRemove: false,
    actions: actionRowsOf(page?.actions ?? []),
    script: page?.script ?? '',
    hideSelectors: (page?.hideSelectors ?? []).join('\n'),
    removeSelectors: (page?.removeSelectors ?? []).join('\n'),
    maskSelectors: (page?.maskSelectors ?? []).join('\n'),
    ignoreRegions: (page?.ignoreRegions ?? [])
      .map((r) => `${r.x}, ${r.y}, ${r.width}, ${r.height}`)
      .join('\n'),
    waitMs: page?.waitMs === undefined ? '' : String(page.waitMs),
    freezeTime: page?.freezeTime ?? true,
    seedRandom: page?.seedRandom ?? true,
    captureScope: page?.capture.scope ?? 'fullPage',
    captureSelectors: (page?.capture.selectors ?? []).join('\n'),
  };
}

export function pageFormValuesOf(body: FormBody): PageFormValues {
  return {
    name: textField(body, 'name'),
    url: textField(body, 'url'),
    referenceUrl: textField(body, 'referenceUrl'),
    authUsername: textField(body, 'authUsername'),
    authRemove: checkboxField(body, 'authRemove'),
    actions: actionRowsField(body, 'actions'),
    script: textField(body, 'script'),
    hideSelectors: textField(body, 'hideSelectors'),
    removeSelectors: textField(body, 'removeSelectors'),
    maskSelectors: textField(body, 'maskSelectors'),
    ignoreRegions: textField(body, 'ignoreRegions'),
    waitMs: textField(body, 'waitMs'),
    freezeTime: checkboxField(body, 'freezeTime'),
    seedRandom: checkboxField(body, 'seedRandom'),
    captureScope: textField(body, 'captureScope'),
    captureSelectors: textField(body, 'captureSelectors'),
  };
}

/**
 * The capture scope from its two fields. Selectors typed under another scope than elements are
 * left out rather than refused: the select decides.
 */
function captureOf(body: FormBody) {
  const scope = textField(body, 'captureScope') || 'fullPage';
  return scope === 'elements'
    ? { scope, selectors: linesField(body, 'captureSelectors') }
    : { scope };
}

/** "x, y, width, height" per line; a malformed line gives NaN, which the schema rejects. */
function regionsOf(body: FormBody): { x: number; y: number; width: number; height: number }[] {
  return linesField(body, 'ignoreRegions').map((line) => {
    const [x, y, width, height] = line.split(/[\s,]+/).map(Number);
    return { x: x ?? NaN, y: y ?? NaN, width: width ?? NaN, height: height ?? NaN };
  });
}

/** Input for createPageSchema. */
export function createPageInputOf(body: FormBody) {
  const username = optionalText(body, 'authUsername');
  return {
    name: textField(body, 'name'),
    url: textField(body, 'url').trim(),
    referenceUrl: optionalText(body, 'referenceUrl')?.trim(),
    basicAuth: username && { username, password: textField(body, 'authPassword') },
    actions: actionsOf(actionRowsField(body, 'actions')),
    script: optionalText(body, 'script'),
    hideSelectors: linesField(body, 'hideSelectors'),
    removeSelectors: linesField(body, 'removeSelectors'),
    maskSelectors: linesField(body, 'maskSelectors'),
    ignoreRegions: regionsOf(body),
    waitMs: numberField(body, 'waitMs'),
    freezeTime: checkboxField(body, 'freezeTime'),
    seedRandom: checkboxField(body, 'seedRandom'),
    capture: captureOf(body),
  };
}

/** Input for updatePageSchema: blank optional fields clear; a blank password keeps the stored one. */
export function updatePageInputOf(body: FormBody, page: Page) {
  const username = optionalText(body, 'authUsername');
  const password = optionalText(body, 'authPassword');
  const basicAuth =
    checkboxField(body, 'authRemove') || username === undefined
      ? page.basicAuth
        ? null
        : undefined
      : { username, ...(password !== undefined && { password }) };
  return {
    name: textField(body, 'name'),
    url: textField(body, 'url').trim(),
    referenceUrl: optionalText(body, 'referenceUrl')?.trim() ?? null,
    basicAuth,
    actions: actionsOf(actionRowsField(body, 'actions')),
    script: optionalText(body, 'script') ?? null,
    hideSelectors: linesField(body, 'hideSelectors'),
    removeSelectors: linesField(body, 'removeSelectors'),
    maskSelectors: linesField(body, 'maskSelectors'),
    ignoreRegions: regionsOf(body),
    waitMs: numberField(body, 'waitMs') ?? null,
    freezeTime: checkboxField(body, 'freezeTime'),
    seedRandom: checkboxField(body, 'seedRandom'),
    capture: captureOf(body),
  };
}

/** Form errors of the page form: schema paths renamed to its fields, region lines explained. */
export function pageFormErrors(errors: FieldErrors): FieldErrors {
  const result: FieldErrors = {};
  for (const [key, message] of Object.entries(renameErrorKeys(errors, pageErrorFields))) {
    const region = /^ignoreRegions\.(\d+)\./.exec(key);
    if (region) {
      result['ignoreRegions'] ??=
        `line ${Number(region[1]) + 1}: write x, y, width, height as whole pixels (width and height at least 1)`;
    } else {
      result[key] = message;
    }
  }
  return result;
}

/** Schema paths → form field names. */
export const pageErrorFields = {
  'basicAuth.username': 'authUsername',
  'basicAuth.password': 'authPassword',
  basicAuth: 'authUsername',
  'capture.scope': 'captureScope',
  'capture.selectors': 'captureSelectors',
  capture: 'captureScope',
};

const placedFields = [
  'name',
  'url',
  'referenceUrl',
  'authUsername',
  'authPassword',
  'actions',
  'script',
  'hideSelectors',
  'removeSelectors',
  'maskSelectors',
  'ignoreRegions',
  'waitMs',
  'freezeTime',
  'seedRandom',
  'captureScope',
  'captureSelectors',
];

export function PageForm(props: {
  projectId: string;
  page?: Page | undefined;
  values: PageFormValues;
  errors?: FieldErrors | undefined;
}) {
  const { values, errors, page } = props;
  return (
    <RecordModalForm
      kind="page"
      projectId={props.projectId}
      recordId={page?.id}
      placedFields={placedFields}
      errors={errors}
      wide
    >
      <div class="form-grid">
        <NameField value={values.name} errors={errors} />
        <TextField
          name="url"
          label="URL"
          type="url"
          value={values.url}
          errors={errors}
          required
          placeholder="https://staging.example.com/"
        />
      </div>
      <TextField
        name="referenceUrl"
        label="Reference URL (optional)"
        type="url"
        value={values.referenceUrl}
        errors={errors}
        hint="Also captured and shown beside the page, e.g. production to compare staging against."
      />
      <details class="form-section" open={Boolean(values.authUsername) || undefined}>
        <summary>HTTP basic authentication</summary>
        <div class="form-grid">
          <TextField
            name="authUsername"
            label="Username"
            value={values.authUsername}
            errors={errors}
            autocomplete="off"
          />
          <TextField
            name="authPassword"
            label="Password"
            type="password"
            value=""
            errors={errors}
            autocomplete="new-password"
            hint={page?.basicAuth ? 'A password is stored; leave blank to keep it.' : undefined}
          />
        </div>
        {page?.basicAuth && (
          <CheckboxField
            name="authRemove"
            label="Remove the stored credentials"
            checked={values.authRemove}
          />
        )}
      </details>
      <ActionsEditor
        name="actions"
        label="Preparation steps"
        rows={values.actions}
        errors={errors}
        hint="Run after the page loads, before any task and the screenshot."
      />
      <TextAreaField
        name="script"
        label="Preparation script (optional)"
        value={values.script}
        errors={errors}
        rows={3}
        mono
        hint="JavaScript run in the page after the steps above."
      />
      <div class="form-grid">
        <LinesField
          name="hideSelectors"
          label="Hide (visibility: hidden)"
          value={values.hideSelectors}
          errors={errors}
          hint={selectorsHint}
        />
        <LinesField
          name="removeSelectors"
          label="Remove from the page"
          value={values.removeSelectors}
          errors={errors}
          hint={selectorsHint}
        />
        <LinesField
          name="maskSelectors"
          label="Mask (solid box)"
          value={values.maskSelectors}
          errors={errors}
          hint={selectorsHint}
        />
        <LinesField
          name="ignoreRegions"
          label="Ignore regions"
          value={values.ignoreRegions}
          errors={errors}
          hint="One per line: x, y, width, height (pixels)."
        />
      </div>
      <div class="form-grid">
        <SelectField
          name="captureScope"
          label="Capture"
          value={values.captureScope}
          errors={errors}
          options={[
            { value: 'fullPage', label: 'Full page' },
            { value: 'viewport', label: 'Viewport only' },
            { value: 'elements', label: 'Elements (one screenshot per selector)' },
          ]}
          hint="Elements: each selector is its own cell, with its own baseline and diff."
        />
        <LinesField
          name="captureSelectors"
          label="Element selectors"
          value={values.captureSelectors}
          errors={errors}
          hint="With Elements: one CSS selector per line; the first match is captured."
        />
      </div>
      <NumberField
        name="waitMs"
        label="Extra wait before the screenshot (ms)"
        min={0}
        max={60000}
        value={values.waitMs}
        errors={errors}
        hint="Blank: the settings' default wait."
      />
      <div class="form-grid">
        <CheckboxField
          name="freezeTime"
          label="Freeze time"
          checked={values.freezeTime}
          errors={errors}
          hint="The page's clock, animated images, SVG animations and video stand still, so they look the same every run. Off for pages that need real time."
        />
        <CheckboxField
          name="seedRandom"
          label="Seed randomness"
          checked={values.seedRandom}
          errors={errors}
          hint="Math.random and crypto.getRandomValues repeat the same values every run."
        />
      </div>
    </RecordModalForm>
  );
}
