import { sleep } from '../shared/clock.ts';
import type { Action } from '../shared/domain.ts';
import { CaptureError, isTransientFailure, shortMessage } from './capture-error.ts';
import { elapsedMs, type CaptureLog } from './capture-log.ts';
import type { CapturePage, ScriptPage } from './capture-page.ts';
import type { PageClock } from './determinism.ts';
import type { NetworkTracker } from './network-tracker.ts';

export const actionLimits = {
  /** Per step, unless the step's `ms` says otherwise (selector steps, waits, scripts). */
  stepTimeoutMs: 10_000,
  networkIdleQuietMs: 500,
};

export interface StepRunner {
  page: CapturePage;
  network: NetworkTracker;
  log: CaptureLog;
  signal: AbortSignal;
  stepTimeoutMs: number;
  /** The page's frozen clock: steps that wait on the page run it (determinism.ts). */
  clock?: PageClock;
}

/** Runs the steps in order in the page; a failing step fails the capture with its name. */
export async function runActions(
  runner: StepRunner,
  actions: Action[],
  owner: 'page' | 'task',
): Promise<void> {
  for (const [index, action] of actions.entries()) {
    const label = `${owner} step ${index + 1} (${describeAction(action)})`;
    runner.signal.throwIfAborted();
    const started = performance.now();
    try {
      await runAction(runner, action);
    } catch (error) {
      throw await stepFailure(runner, error, label, action);
    }
    runner.log.info('action', label, elapsedMs(started));
  }
}

/** A page or task script: the body of an async function, run in the page, never in Node. */
export async function runScript(
  runner: StepRunner,
  script: string,
  owner: 'page' | 'task',
): Promise<void> {
  const label = `${owner} script`;
  runner.signal.throwIfAborted();
  const started = performance.now();
  try {
    await whileWaiting(
      runner,
      evaluateInPage(runner.page, script, runner.stepTimeoutMs, runner.signal),
    );
  } catch (error) {
    throw await stepFailure(runner, error, label, undefined);
  }
  runner.log.info('script', label, elapsedMs(started));
}

export function describeAction(action: Action): string {
  const target = action.selector === undefined ? '' : ` ${JSON.stringify(action.selector)}`;
  switch (action.type) {
    case 'type':
      // Typed text may be a password: only its length is shown.
      return `type${target} (${[...(action.value ?? '')].length} characters)`;
    case 'select':
      return `select${target} ${JSON.stringify(action.value ?? '')}`;
    case 'press':
      return `press${target} ${action.value ?? ''}`;
    case 'scroll':
      return action.selector === undefined ? 'scroll to bottom' : `scroll to${target}`;
    case 'waitForTimeout':
      return `waitForTimeout ${action.ms ?? 0} ms`;
    case 'setCookie':
    case 'setLocalStorage':
      return `${action.type} ${(action.value ?? '').split('=')[0] ?? ''}`;
    case 'evaluate':
    case 'waitForFunction':
      return action.type;
    case 'click':
    case 'hover':
    case 'check':
    case 'waitForSelector':
    case 'waitForNetworkIdle':
    case 'hide':
    case 'remove':
      return `${action.type}${target}`;
  }
}

async function runAction(runner: StepRunner, action: Action): Promise<void> {
  const { page, network, signal } = runner;
  const timeout = action.ms ?? runner.stepTimeoutMs;
  switch (action.type) {
    case 'click':
      return page.click(required(action, 'selector'), timeout);
    case 'hover':
      return page.hover(required(action, 'selector'), timeout);
    case 'type':
      return page.type(required(action, 'selector'), required(action, 'value'), timeout);
    case 'press':
      return page.press(action.selector, required(action, 'value'), timeout);
    case 'select':
      return page.select(required(action, 'selector'), required(action, 'value'), timeout);
    case 'check':
      return page.setChecked(required(action, 'selector'), action.value !== 'false', timeout);
    case 'scroll':
      if (action.selector === undefined) {
        return page.evaluate(() => {
          const scroller = document.scrollingElement ?? document.documentElement;
          window.scrollTo(0, scroller.scrollHeight);
        });
      }
      return page.scrollIntoView(action.selector, timeout);
    case 'waitForSelector':
      return whileWaiting(runner, page.waitForVisible(required(action, 'selector'), timeout));
    case 'waitForTimeout': {
      // A frozen page clock runs exactly as long as the wait, whatever the real time it takes.
      const ms = requiredMs(action);
      await Promise.all([sleep(ms, signal), runner.clock?.run(ms)]);
      return;
    }
    case 'waitForNetworkIdle': {
      const quiet = await network.waitForQuiet(actionLimits.networkIdleQuietMs, timeout, signal);
      if (!quiet) {
        throw new Error(
          `network still busy after ${timeout} ms (${network.inflight} request(s) in flight)`,
        );
      }
      return;
    }
    case 'hide':
    case 'remove': {
      const selector = required(action, 'selector');
      const matched = await page.evaluate(
        ({ selector: css, remove }) => {
          const elements = Array.from(document.querySelectorAll(css));
          for (const element of elements) {
            if (remove) element.remove();
            else (element as HTMLElement).style.setProperty('visibility', 'hidden', 'important');
          }
          return elements.length;
        },
        { selector, remove: action.type === 'remove' },
      );
      if (matched === 0)
        runner.log.warn('action', `no element matches ${JSON.stringify(selector)}`);
      return;
    }
    case 'setCookie': {
      const [name, value] = keyValue(action);
      await page.addCookies([{ name, value, url: page.url() }]);
      return;
    }
    case 'setLocalStorage': {
      const [key, value] = keyValue(action);
      return page.evaluate(([k, v]) => localStorage.setItem(k, v), [key, value] as const);
    }
    case 'evaluate':
      return whileWaiting(
        runner,
        evaluateInPage(page, required(action, 'script'), timeout, signal),
      );
    case 'waitForFunction':
      return whileWaiting(
        runner,
        waitForCondition(page, required(action, 'script'), timeout, signal),
      );
  }
}

/** A step that waits on the page: a frozen clock runs meanwhile, or what it waits for never comes. */
function whileWaiting<T>(runner: StepRunner, work: Promise<T>): Promise<T> {
  return runner.clock ? runner.clock.whileWaiting(work) : work;
}

/**
 * The script runs as the body of an async function in the page; its result is ignored. An abort
 * ends the wait for it at once (the script itself ends with its page).
 */
async function evaluateInPage(
  page: ScriptPage,
  script: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const evaluation = page.evaluateScript(`(async () => {\n${script}\n})()`);
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`script did not finish within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  evaluation.catch(() => undefined);
  try {
    await untilAborted(Promise.race([evaluation, timedOut]), signal);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A readiness condition: a JavaScript expression, evaluated in the page every 50 ms until it is
 * truthy (an exception it throws fails the step with its message at once). Polled from here,
 * not by a page timer: a frozen page clock (determinism.ts) holds the page's timers and frames
 * back, and the same loop serves every browser. An abort ends it at once, with the abort's
 * reason: the page may stay open a while after (its context closes in the background).
 */
async function waitForCondition(
  page: ScriptPage,
  expression: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await untilAborted(page.evaluateScript(`Boolean(${expression}\n)`), signal)) return;
    if (Date.now() >= deadline) throw new Error(`the condition was not met within ${timeoutMs} ms`);
    await sleep(50, signal);
  }
}

/** `work`, or the abort's reason as soon as the signal aborts (at once if it already has). */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    if (signal.aborted) {
      work.catch(() => undefined);
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

async function stepFailure(
  runner: StepRunner,
  error: unknown,
  label: string,
  action: Action | undefined,
): Promise<unknown> {
  if (runner.signal.aborted) return error;
  if (error instanceof CaptureError) return error;
  if (isTransientFailure(error) || runner.page.isClosed()) {
    return new CaptureError('transient', `${label} was interrupted: ${shortMessage(error)}`, {
      step: label,
      cause: error,
    });
  }
  const reason = await explainFailure(runner, error, action);
  return new CaptureError('action', `${label} failed: ${reason}`, { step: label, cause: error });
}

/** Playwright's timeouts say little; say whether the element was missing or not actionable. */
async function explainFailure(
  runner: StepRunner,
  error: unknown,
  action: Action | undefined,
): Promise<string> {
  const isTimeout = error instanceof Error && error.name === 'TimeoutError';
  const selector = action?.selector;
  if (!isTimeout || selector === undefined || action === undefined) return shortMessage(error);
  const timeout = action.ms ?? runner.stepTimeoutMs;
  const count = await runner.page.count(selector).catch(() => undefined);
  if (count === 0) return `no element matches ${JSON.stringify(selector)} after ${timeout} ms`;
  if (action.type === 'waitForSelector') {
    return `${JSON.stringify(selector)} did not become visible within ${timeout} ms`;
  }
  if (action.type === 'select') {
    return `no option ${JSON.stringify(action.value ?? '')} in ${JSON.stringify(selector)} within ${timeout} ms`;
  }
  return `${JSON.stringify(selector)} was not visible, enabled and stable within ${timeout} ms`;
}

function required(action: Action, field: 'selector' | 'value' | 'script'): string {
  const value = action[field];
  if (value === undefined || value === '') {
    throw new Error(`a ${action.type} step needs a ${field}`);
  }
  return value;
}

function requiredMs(action: Action): number {
  if (action.ms === undefined || action.ms < 0) {
    throw new Error(`a ${action.type} step needs ms (a duration)`);
  }
  return action.ms;
}

function keyValue(action: Action): [string, string] {
  const text = required(action, 'value');
  const separator = text.indexOf('=');
  if (separator <= 0) {
    throw new Error(`a ${action.type} step needs a value like "name=value"`);
  }
  return [text.slice(0, separator), text.slice(separator + 1)];
}
