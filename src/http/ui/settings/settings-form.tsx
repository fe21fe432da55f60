import type { Children } from '@kitajs/html';
import type { BrowserAvailability } from '../../../capture/browser-availability.ts';
import {
  browserNames,
  settingsKeys,
  type Settings,
  type SettingsKey,
  type Viewport,
} from '../../../settings/settings.schema.ts';
import { viewportPresets } from '../../../settings/viewport-presets.ts';
import {
  CheckboxField,
  CheckboxGroup,
  FormErrors,
  LinesField,
  NumberField,
  SelectField,
} from '../components/fields.tsx';
import { RowEditor } from '../components/row-editor.tsx';
import {
  checkboxField,
  linesField,
  listField,
  numberField,
  rowsField,
  textField,
  type FormBody,
} from '../shared/form-data.ts';
import { unplacedErrors, type FieldErrors } from '../shared/form-errors.ts';

/** The settings form as typed. */
export interface SettingsFormValues {
  browsers: string[];
  viewports: Record<(typeof viewportColumns)[number], string>[];
  maxConcurrentExecutions: string;
  executionTimeoutSeconds: string;
  runTimeoutSeconds: string;
  defaultWaitMs: string;
  suppressAnimations: boolean;
  hideCaret: boolean;
  confirmChanges: boolean;
  removeSelectors: string;
  cookies: Record<'name' | 'value' | 'domain' | 'path', string>[];
  timestampDisplay: string;
  retentionKeepDays: string;
  retentionKeepLastRunsPerBatch: string;
  /** Project form: the keys this project overrides. */
  overridden: SettingsKey[];
}

export function settingsFormValues(
  settings: Settings,
  overridden: SettingsKey[] = [],
): SettingsFormValues {
  return {
    browsers: settings.browsers,
    viewports: settings.viewports.map(viewportRow),
    maxConcurrentExecutions: String(settings.maxConcurrentExecutions),
    executionTimeoutSeconds: String(settings.executionTimeoutSeconds),
    runTimeoutSeconds: String(settings.runTimeoutSeconds),
    defaultWaitMs: String(settings.defaultWaitMs),
    suppressAnimations: settings.suppressAnimations,
    hideCaret: settings.hideCaret,
    confirmChanges: settings.confirmChanges,
    removeSelectors: settings.cookieBanner.removeSelectors.join('\n'),
    cookies: settings.cookieBanner.cookies.map((c) => ({
      name: c.name,
      value: c.value,
      domain: c.domain ?? '',
      path: c.path ?? '',
    })),
    timestampDisplay: settings.timestampDisplay,
    retentionKeepDays: String(settings.retention.keepDays ?? ''),
    retentionKeepLastRunsPerBatch: String(settings.retention.keepLastRunsPerBatch ?? ''),
    overridden,
  };
}

const viewportColumns = [
  'name',
  'width',
  'height',
  'deviceScaleFactor',
  'isMobile',
  'hasTouch',
  'userAgent',
] as const;

/** A viewport as the form's row of strings. */
function viewportRow(v: Viewport): Record<(typeof viewportColumns)[number], string> {
  return {
    name: v.name,
    width: String(v.width),
    height: String(v.height),
    deviceScaleFactor: String(v.deviceScaleFactor ?? 1),
    isMobile: v.isMobile ? 'yes' : 'no',
    hasTouch: v.hasTouch ? 'yes' : 'no',
    userAgent: v.userAgent ?? '',
  };
}

/** A row of the form as a viewport for the schema: defaults (DPR 1, no, blank) left out. */
function viewportOf(
  row: Record<(typeof viewportColumns)[number], string>,
): Record<string, unknown> {
  const scale = row.deviceScaleFactor.trim();
  return {
    name: row.name,
    width: row.width.trim() === '' ? NaN : Number(row.width),
    height: row.height.trim() === '' ? NaN : Number(row.height),
    ...(scale !== '' && scale !== '1' && { deviceScaleFactor: Number(scale) }),
    ...(row.isMobile === 'yes' && { isMobile: true }),
    ...(row.hasTouch === 'yes' && { hasTouch: true }),
    ...(row.userAgent.trim() !== '' && { userAgent: row.userAgent.trim() }),
  };
}

const yesNo = [
  { value: 'no', label: 'no' },
  { value: 'yes', label: 'yes' },
];
const cookieColumns = ['name', 'value', 'domain', 'path'] as const;

export function settingsFormValuesOf(body: FormBody): SettingsFormValues {
  return {
    browsers: listField(body, 'browsers'),
    viewports: rowsField(body, 'viewports', viewportColumns),
    maxConcurrentExecutions: textField(body, 'maxConcurrentExecutions'),
    executionTimeoutSeconds: textField(body, 'executionTimeoutSeconds'),
    runTimeoutSeconds: textField(body, 'runTimeoutSeconds'),
    defaultWaitMs: textField(body, 'defaultWaitMs'),
    suppressAnimations: checkboxField(body, 'suppressAnimations'),
    hideCaret: checkboxField(body, 'hideCaret'),
    confirmChanges: checkboxField(body, 'confirmChanges'),
    removeSelectors: textField(body, 'cookieBanner.removeSelectors'),
    cookies: rowsField(body, 'cookieBanner.cookies', cookieColumns),
    timestampDisplay: textField(body, 'timestampDisplay'),
    retentionKeepDays: textField(body, 'retention.keepDays'),
    retentionKeepLastRunsPerBatch: textField(body, 'retention.keepLastRunsPerBatch'),
    overridden: settingsKeys.filter((key) => checkboxField(body, `override.${key}`)),
  };
}

const blankToUndefined = (value: string) => (value.trim() === '' ? undefined : value.trim());

/** Every setting from the form, for settingsPatchSchema. */
function settingsValuesOf(body: FormBody): Record<SettingsKey, unknown> {
  return {
    browsers: listField(body, 'browsers'),
    viewports: rowsField(body, 'viewports', viewportColumns).map(viewportOf),
    maxConcurrentExecutions: numberField(body, 'maxConcurrentExecutions'),
    executionTimeoutSeconds: numberField(body, 'executionTimeoutSeconds'),
    runTimeoutSeconds: numberField(body, 'runTimeoutSeconds'),
    defaultWaitMs: numberField(body, 'defaultWaitMs'),
    suppressAnimations: checkboxField(body, 'suppressAnimations'),
    hideCaret: checkboxField(body, 'hideCaret'),
    confirmChanges: checkboxField(body, 'confirmChanges'),
    cookieBanner: {
      removeSelectors: linesField(body, 'cookieBanner.removeSelectors'),
      cookies: rowsField(body, 'cookieBanner.cookies', cookieColumns).map((row) => ({
        name: row.name.trim(),
        value: row.value,
        ...(blankToUndefined(row.domain) !== undefined && { domain: row.domain.trim() }),
        ...(blankToUndefined(row.path) !== undefined && { path: row.path.trim() }),
      })),
    },
    timestampDisplay: textField(body, 'timestampDisplay'),
    retention: retentionOf(body),
  };
}

/** Blank fields are off (the key left out). */
function retentionOf(body: FormBody): Record<string, number> {
  const keepDays = numberField(body, 'retention.keepDays');
  const keepLastRunsPerBatch = numberField(body, 'retention.keepLastRunsPerBatch');
  return {
    ...(keepDays !== undefined && { keepDays }),
    ...(keepLastRunsPerBatch !== undefined && { keepLastRunsPerBatch }),
  };
}

/** The global settings form as a patch that sets every key. */
export function globalSettingsPatchOf(body: FormBody): Record<string, unknown> {
  return settingsValuesOf(body);
}

/** A project's form as a patch: overridden keys get their value, the others go back to inherited (null). */
export function projectSettingsPatchOf(body: FormBody): Record<string, unknown> {
  const values = settingsValuesOf(body);
  return Object.fromEntries(
    settingsKeys.map((key) => [key, checkboxField(body, `override.${key}`) ? values[key] : null]),
  );
}

/** "chromium — 131.0.6778.85" or "firefox — not available: …". */
function browserLabel(name: string, browsers: readonly BrowserAvailability[] | undefined): string {
  const found = browsers?.find((b) => b.name === name);
  if (!found) return name;
  if (found.available) return `${name} — ${found.version ?? 'available'}`;
  return `${name} — not available: ${found.reason ?? 'unknown'}${found.install ? ` (install: ${found.install})` : ''}`;
}

/** Which field a refusal of the settings service (a browser or viewport in use) concerns. */
export function settingsFieldOfServiceError(message: string): string | undefined {
  if (message.startsWith('viewport')) return 'viewports';
  if (message.startsWith('browser')) return 'browsers';
  return undefined;
}

const placed = [
  ...settingsKeys,
  'cookieBanner.removeSelectors',
  'cookieBanner.cookies',
  'retention.keepDays',
  'retention.keepLastRunsPerBatch',
];

function Group(props: {
  settingKey: SettingsKey;
  title: string;
  mode: 'global' | 'project';
  values: SettingsFormValues;
  children: Children;
}) {
  if (props.mode === 'global') {
    return (
      <section class="settings-group" aria-label={props.title}>
        <h3 safe>{props.title}</h3>
        {props.children}
      </section>
    );
  }
  const overridden = props.values.overridden.includes(props.settingKey);
  return (
    <section class={['settings-group', !overridden && 'inherited']} aria-label={props.title}>
      <div class="settings-group-head">
        <h3 safe>{props.title}</h3>
        <label class="override-toggle">
          <input
            type="checkbox"
            name={`override.${props.settingKey}`}
            value="true"
            checked={overridden}
          />
          Override for this project
        </label>
      </div>
      {props.children}
    </section>
  );
}

/** The plain number settings, each its own group, in the form's order. */
const numberSettings: {
  name:
    'maxConcurrentExecutions' | 'executionTimeoutSeconds' | 'runTimeoutSeconds' | 'defaultWaitMs';
  title: string;
  label: string;
  min: number;
  max?: number;
}[] = [
  {
    name: 'maxConcurrentExecutions',
    title: 'Concurrency',
    label: 'Executions at once',
    min: 1,
    max: 32,
  },
  {
    name: 'executionTimeoutSeconds',
    title: 'Execution timeout',
    label: 'Seconds per execution',
    min: 1,
  },
  { name: 'runTimeoutSeconds', title: 'Run timeout', label: 'Seconds per run', min: 10 },
  { name: 'defaultWaitMs', title: 'Wait before capture', label: 'Default extra wait (ms)', min: 0 },
];

export function SettingsForm(props: {
  mode: 'global' | 'project';
  action: string;
  values: SettingsFormValues;
  errors?: FieldErrors | undefined;
  /** Which browsers can capture on this machine (GET /api/v1/browsers). */
  browsers?: readonly BrowserAvailability[];
}) {
  const { values, errors, mode } = props;
  const group = (settingKey: SettingsKey, title: string, children: Children) => (
    <Group settingKey={settingKey} title={title} mode={mode} values={values}>
      {children}
    </Group>
  );
  return (
    <form
      id="settings-form"
      class="settings-form"
      hx-post={props.action}
      hx-target="this"
      hx-swap="outerHTML"
      novalidate
    >
      <FormErrors messages={errors ? unplacedErrors(errors, placed) : []} />
      {mode === 'project' && (
        <p class="notice">
          Settings not overridden here come from the global settings and follow their changes.
        </p>
      )}
      <div class="settings-grid">
        {group(
          'browsers',
          'Browsers',
          <CheckboxGroup
            name="browsers"
            label="Available browsers"
            options={browserNames.map((b) => ({
              value: b,
              label: browserLabel(b, props.browsers),
            }))}
            checked={values.browsers}
            errors={errors}
            hint="Only browsers that can capture on this machine run; a batch naming another is refused at launch."
          />,
        )}
        {group(
          'timestampDisplay',
          'Timestamps',
          <SelectField
            name="timestampDisplay"
            label="Show times in"
            value={values.timestampDisplay}
            options={[
              { value: 'utc', label: 'UTC' },
              { value: 'local', label: "The browser's local time" },
            ]}
            errors={errors}
          />,
        )}
      </div>
      {group(
        'viewports',
        'Viewports',
        <RowEditor
          name="viewports"
          legend="Viewports batches can use"
          itemLabel="Viewport"
          columns={[
            { key: 'name', label: 'Name' },
            { key: 'width', label: 'Width (px)', type: 'number' },
            { key: 'height', label: 'Height (px)', type: 'number' },
            {
              key: 'deviceScaleFactor',
              label: 'Pixel ratio',
              options: ['1', '2', '3'].map((v) => ({ value: v, label: `${v}×` })),
            },
            { key: 'isMobile', label: 'Mobile', options: yesNo },
            { key: 'hasTouch', label: 'Touch', options: yesNo },
            { key: 'userAgent', label: 'User agent', placeholder: "User agent (browser's own)" },
          ]}
          rows={values.viewports}
          errors={errors}
          hint="Screenshots are the CSS size times the pixel ratio. Presets add a device in one click."
          addLabel="+ Add viewport"
          presets={viewportPresets.map((preset) => ({
            label: `${preset.name} (${preset.width}×${preset.height}${preset.deviceScaleFactor && preset.deviceScaleFactor > 1 ? ` @${preset.deviceScaleFactor}x` : ''})`,
            values: viewportRow(preset),
          }))}
        />,
      )}
      <div class="settings-grid">
        {numberSettings.map((setting) =>
          group(
            setting.name,
            setting.title,
            <NumberField
              name={setting.name}
              label={setting.label}
              min={setting.min}
              max={setting.max}
              value={values[setting.name]}
              errors={errors}
            />,
          ),
        )}
        {group(
          'suppressAnimations',
          'Animations',
          <CheckboxField
            name="suppressAnimations"
            label="Stop animations and transitions"
            checked={values.suppressAnimations}
            errors={errors}
          />,
        )}
        {group(
          'retention',
          'Retention',
          <>
            <NumberField
              name="retention.keepDays"
              label="Keep runs for (days)"
              min={1}
              value={values.retentionKeepDays}
              errors={errors}
              hint="Blank: no age limit."
            />
            <NumberField
              name="retention.keepLastRunsPerBatch"
              label="Keep the last runs of each batch"
              min={1}
              value={values.retentionKeepLastRunsPerBatch}
              errors={errors}
              hint="Blank: no count limit. Baselines and their images are always kept."
            />
          </>,
        )}
        {group(
          'hideCaret',
          'Caret',
          <CheckboxField
            name="hideCaret"
            label="Hide the text caret"
            checked={values.hideCaret}
            errors={errors}
          />,
        )}
        {group(
          'confirmChanges',
          'Confirm before flagging',
          <CheckboxField
            name="confirmChanges"
            label="Capture a changed cell again; pixels that differ between the two captures are unstable, not a change"
            checked={values.confirmChanges}
            errors={errors}
          />,
        )}
      </div>
      {group(
        'cookieBanner',
        'Cookie banners',
        <>
          <LinesField
            name="cookieBanner.removeSelectors"
            label="Remove these elements"
            value={values.removeSelectors}
            errors={errors}
            hint="One CSS selector per line, removed before every capture."
          />
          <RowEditor
            name="cookieBanner.cookies"
            legend="Preset cookies"
            itemLabel="Cookie"
            columns={[
              { key: 'name', label: 'Name' },
              { key: 'value', label: 'Value' },
              { key: 'domain', label: 'Domain', placeholder: 'Domain (optional)' },
              { key: 'path', label: 'Path', placeholder: 'Path (optional)' },
            ]}
            rows={values.cookies}
            errors={errors}
            hint="Set before navigation, e.g. a consent cookie so the banner never shows."
            addLabel="+ Add cookie"
          />
        </>,
      )}
      <div class="form-actions">
        <button type="submit" class="button primary">
          Save settings
        </button>
      </div>
    </form>
  );
}
