import type { Action, CaptureScope, Viewport } from '../shared/domain.ts';
import type { FilePage, ProjectFile } from '../project-files/project-file.schema.ts';
import { projectFileVersion } from '../project-files/project-file.schema.ts';

// BackstopJS → a Scene project file. Pure: the caller applies the file (project-files/) and
// shows the report of what mapped, what did not and why.

interface BackstopViewport {
  label?: string;
  name?: string;
  width?: number;
  height?: number;
}

interface KeyPress {
  selector?: string;
  keyPress?: string;
}

type Selectors = string | string[] | undefined;

export interface BackstopScenario {
  label?: string;
  url?: string;
  referenceUrl?: string;
  hideSelectors?: string[];
  removeSelectors?: string[];
  delay?: number;
  readySelector?: string;
  readyEvent?: string;
  clickSelector?: string;
  clickSelectors?: string[];
  hoverSelector?: string;
  hoverSelectors?: string[];
  keyPressSelectors?: KeyPress[];
  scrollToSelector?: string;
  postInteractionWait?: number | string;
  cookiePath?: string;
  onReadyScript?: string;
  onBeforeScript?: string;
  selectors?: string[];
  misMatchThreshold?: number;
  [key: string]: unknown;
}

export interface BackstopConfig {
  id?: string;
  viewports?: BackstopViewport[];
  scenarios?: BackstopScenario[];
  onReadyScript?: string;
  onBeforeScript?: string;
  misMatchThreshold?: number;
  [key: string]: unknown;
}

export interface ImportReport {
  /** Scenario → page, with the Backstop fields it took. */
  mapped: { scenario: string; page: string; fields: string[] }[];
  /** What could not be imported, and why. */
  notMapped: { scenario?: string; field: string; reason: string }[];
  /** Viewports the settings did not have. */
  viewportsAdded: string[];
}

export interface BackstopImport {
  file: ProjectFile;
  report: ImportReport;
}

const scenarioFields = new Set([
  'label',
  'url',
  'referenceUrl',
  'hideSelectors',
  'removeSelectors',
  'delay',
  'readySelector',
  'clickSelector',
  'clickSelectors',
  'hoverSelector',
  'hoverSelectors',
  'keyPressSelectors',
  'scrollToSelector',
  'postInteractionWait',
  'cookiePath',
  'onReadyScript',
  'onBeforeScript',
  'selectors',
  'misMatchThreshold',
]);

/**
 * Backstop `selectors` as a capture scope: `document` is the full page (Scene's default),
 * `viewport` the viewport, anything else an element selector (one cell each). Scene captures
 * either the page or its elements: a mix keeps the elements and reports the rest.
 */
function captureOf(
  selectors: string[] | undefined,
  report: (reason: string) => void,
): CaptureScope | undefined {
  const elements = [
    ...new Set((selectors ?? []).filter((s) => s !== 'document' && s !== 'viewport')),
  ];
  const whole = (selectors ?? []).filter((s) => s === 'document' || s === 'viewport');
  if (elements.length === 0) {
    if (!whole.includes('viewport')) return undefined;
    if (!whole.includes('document')) return { scope: 'viewport' };
    report('a page captures its full page or its viewport: the full page was kept');
    return undefined;
  }
  if (whole.length > 0) {
    report(
      `a page captures either itself or its elements: the elements (${elements.join(', ')}) were kept, ${whole.join(' and ')} left out; add a second page for ${whole.length > 1 ? 'them' : 'it'}`,
    );
  }
  return { scope: 'elements', selectors: elements };
}

const list = (one: Selectors, many: Selectors): string[] =>
  [one, many].flatMap((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

/**
 * `cookies` holds the contents of the scenarios' cookie files by their cookiePath (the CLI reads
 * them next to backstop.json): a JSON list of {name, value}.
 */
export function convertBackstop(
  config: BackstopConfig,
  options: {
    projectName: string;
    existingViewports: Viewport[];
    cookies: Record<string, string>;
  },
): BackstopImport {
  const report: ImportReport = { mapped: [], notMapped: [], viewportsAdded: [] };
  for (const hook of ['onReadyScript', 'onBeforeScript'] as const) {
    if (config[hook]) {
      report.notMapped.push({
        field: hook,
        reason: `${config[hook]} is a Node script (Puppeteer/Playwright API): not importable; express it as page actions or a page script`,
      });
    }
  }

  const viewports = [...options.existingViewports];
  const viewportNames: string[] = [];
  for (const v of config.viewports ?? []) {
    const name = v.label ?? v.name ?? `${v.width}x${v.height}`;
    viewportNames.push(name);
    if (!viewports.some((e) => e.name === name)) {
      viewports.push({ name, width: v.width ?? 1280, height: v.height ?? 800 });
      report.viewportsAdded.push(name);
    }
  }

  const defaultThreshold = config.misMatchThreshold ?? 0.1;
  let threshold = defaultThreshold;
  const pages: FilePage[] = [];
  const names = new Set<string>();
  for (const [i, s] of (config.scenarios ?? []).entries()) {
    const label = s.label ?? `Scenario ${i + 1}`;
    let name = label;
    for (let n = 2; names.has(name); n++) name = `${label} (${n})`;
    names.add(name);
    if (!s.url) {
      report.notMapped.push({
        scenario: label,
        field: 'url',
        reason: 'the scenario has no url: skipped',
      });
      continue;
    }
    const fields = Object.keys(s).filter((k) => scenarioFields.has(k) && s[k] !== undefined);
    const actions: Action[] = [];
    if (s.cookiePath) {
      const text = options.cookies[s.cookiePath];
      if (text === undefined) {
        report.notMapped.push({
          scenario: label,
          field: 'cookiePath',
          reason: `${s.cookiePath} could not be read`,
        });
      } else {
        for (const c of JSON.parse(text) as { name: string; value: string }[]) {
          actions.push({ type: 'setCookie', value: `${c.name}=${c.value}` });
        }
      }
    }
    if (s.readySelector) actions.push({ type: 'waitForSelector', selector: s.readySelector });
    for (const k of s.keyPressSelectors ?? []) {
      if (k.selector && k.keyPress !== undefined) {
        actions.push({ type: 'type', selector: k.selector, value: k.keyPress });
      }
    }
    for (const selector of list(s.hoverSelector, s.hoverSelectors)) {
      actions.push({ type: 'hover', selector });
    }
    for (const selector of list(s.clickSelector, s.clickSelectors)) {
      actions.push({ type: 'click', selector });
    }
    if (typeof s.postInteractionWait === 'number' && s.postInteractionWait > 0) {
      actions.push({ type: 'waitForTimeout', ms: Math.min(s.postInteractionWait, 600_000) });
    } else if (typeof s.postInteractionWait === 'string' && s.postInteractionWait !== '') {
      actions.push({ type: 'waitForSelector', selector: s.postInteractionWait });
    }
    if (s.scrollToSelector) actions.push({ type: 'scroll', selector: s.scrollToSelector });
    for (const hook of ['onReadyScript', 'onBeforeScript'] as const) {
      if (s[hook]) {
        report.notMapped.push({
          scenario: label,
          field: hook,
          reason: `${s[hook]} is a Node script (Puppeteer/Playwright API): not importable; express it as page actions or a page script`,
        });
      }
    }
    if (s.readyEvent) {
      report.notMapped.push({
        scenario: label,
        field: 'readyEvent',
        reason: 'console-message readiness is not supported: use readySelector',
      });
    }
    const capture = captureOf(s.selectors, (reason) =>
      report.notMapped.push({ scenario: label, field: 'selectors', reason }),
    );
    if (s.misMatchThreshold !== undefined) threshold = Math.max(threshold, s.misMatchThreshold);
    for (const key of Object.keys(s).filter((k) => !scenarioFields.has(k) && k !== 'readyEvent')) {
      report.notMapped.push({ scenario: label, field: key, reason: 'no Scene equivalent' });
    }
    pages.push({
      name,
      url: s.url,
      ...(s.referenceUrl && { referenceUrl: s.referenceUrl }),
      ...(actions.length > 0 && { actions }),
      ...(s.hideSelectors?.length && { hideSelectors: s.hideSelectors }),
      ...(s.removeSelectors?.length && { removeSelectors: s.removeSelectors }),
      ...(s.delay !== undefined && s.delay > 0 && { waitMs: Math.min(s.delay, 60_000) }),
      ...(capture && { capture }),
    });
    report.mapped.push({ scenario: label, page: name, fields });
  }
  const differing = (config.scenarios ?? []).filter(
    (s) => s.misMatchThreshold !== undefined && s.misMatchThreshold !== threshold,
  );
  for (const s of differing) {
    report.notMapped.push({
      scenario: s.label ?? '',
      field: 'misMatchThreshold',
      reason: `thresholds are per batch in Scene: the batch uses the highest, ${threshold}%`,
    });
  }

  const batchName = config.id ?? 'backstop';
  return {
    file: {
      version: projectFileVersion,
      name: options.projectName,
      settings: { viewports },
      pages,
      batches: [
        {
          name: batchName,
          pages: pages.map((p) => p.name),
          browsers: ['chromium'],
          viewports: viewportNames.length > 0 ? viewportNames : [viewports[0]?.name ?? 'desktop'],
          executionDiffThreshold: threshold,
          runDiffThreshold: threshold,
        },
      ],
    },
    report,
  };
}
