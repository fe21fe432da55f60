import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ClientEnv } from '../../config/client-env.ts';
import {
  SceneApiError,
  SceneClient,
  type Execution,
  type FetchLike,
  type LaunchRunInput,
  type Run,
} from '../scene-client.ts';
import { describeClientError } from '../client-command.ts';
import { cellName, exitCodeOf, failOnLevels, type FailOn } from './cells.ts';
import { gitContext } from './git-context.ts';
import { changedCellsTable, RunProgress, type ProgressOutput } from './progress.ts';
import { jsonReport, junitReport, markdownReport, type RunReport } from './reports.ts';

/** `scene run`'s options as commander hands them over (strings until checked here). */
export interface RunCommandOptions {
  server: string;
  token?: string;
  mode: string;
  baseline?: string;
  jira?: string;
  branch?: string;
  baseBranch: string;
  commit?: string;
  wait?: boolean;
  timeout?: string;
  failOn: string;
  junit?: string;
  json?: string;
  markdown?: string;
  cancelOnInterrupt?: boolean;
}

export interface RunCommandIo {
  stdout: ProgressOutput;
  stderr: { write(text: string): void };
  env: Readonly<ClientEnv>;
  cwd: string;
  /** Registers a Ctrl-C handler; returns its removal. */
  onInterrupt(handler: () => void): () => void;
  fetch?: FetchLike;
}

/** Exit codes (README, "scene run"). */
export const exitCodes = { passed: 0, changed: 1, error: 2 } as const;

/** An error that ends the command with exit code 2 and one line on stderr. */
class RunCommandError extends Error {}

function fail(message: string): never {
  throw new RunCommandError(message);
}

interface CheckedOptions {
  mode: 'baseline' | 'compare' | 'reference';
  failOn: FailOn;
  timeoutMs: number | undefined;
}

function checkOptions(options: RunCommandOptions): CheckedOptions {
  if (options.mode !== 'compare' && options.mode !== 'baseline' && options.mode !== 'reference') {
    fail(`--mode must be compare, baseline or reference (got '${options.mode}')`);
  }
  if (!(failOnLevels as readonly string[]).includes(options.failOn)) {
    fail(`--fail-on must be one of ${failOnLevels.join(', ')} (got '${options.failOn}')`);
  }
  if (options.baseline !== undefined && options.mode !== 'compare') {
    fail(
      options.mode === 'baseline'
        ? '--baseline is for compare runs: a baseline run records a new baseline'
        : '--baseline is for compare runs: a reference run compares each page with its referenceUrl',
    );
  }
  let timeoutMs: number | undefined;
  if (options.timeout !== undefined) {
    const seconds = Number(options.timeout);
    if (!Number.isFinite(seconds) || seconds <= 0) {
      fail(`--timeout must be a number of seconds above 0 (got '${options.timeout}')`);
    }
    timeoutMs = seconds * 1000;
  }
  if (!options.wait && (options.junit ?? options.json ?? options.markdown) !== undefined) {
    fail('--junit, --json and --markdown need --wait: reports are written when the run ends');
  }
  try {
    const url = new URL(options.server);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    fail(`--server must be an http(s) URL such as http://localhost:8080 (got '${options.server}')`);
  }
  return { mode: options.mode, failOn: options.failOn as FailOn, timeoutMs };
}

/** One line saying what went wrong and how to fix it. */
function describeFailure(error: unknown, batchRef: string, server: string): string {
  if (error instanceof RunCommandError) return error.message;
  const known = describeClientError(error, server);
  if (known !== undefined) return known;
  const message = error instanceof Error ? error.message : String(error);
  return `scene run ${batchRef} failed unexpectedly: ${message}`;
}

/** `scene run <batch>`: launches a run, optionally waits for it, reports; returns the exit code. */
export async function runCommand(
  batchRef: string,
  options: RunCommandOptions,
  io: RunCommandIo,
): Promise<number> {
  try {
    return await launchAndReport(batchRef, options, io);
  } catch (error) {
    io.stderr.write(`scene run: ${describeFailure(error, batchRef, options.server)}\n`);
    return exitCodes.error;
  }
}

async function resolveBatch(client: SceneClient, batchRef: string) {
  try {
    return await client.resolveBatch(batchRef);
  } catch (error) {
    if (error instanceof SceneApiError && error.status === 404) {
      fail(
        `batch '${batchRef}' not found on ${client.server} (${error.message.replace(/^GET \S+ answered 404: /, '')}): pass a batch id or project-name/batch-name`,
      );
    }
    throw error;
  }
}

async function launchAndReport(
  batchRef: string,
  options: RunCommandOptions,
  io: RunCommandIo,
): Promise<number> {
  const checked = checkOptions(options);
  const client = new SceneClient({
    server: options.server,
    token: options.token,
    ...(io.fetch && { fetch: io.fetch }),
  });
  const { batch, projectName } = await resolveBatch(client, batchRef);
  const batchLabel = `${projectName}/${batch.name}`;
  const git = gitContext(options, io.env, io.cwd);
  const input: LaunchRunInput = {
    mode: checked.mode,
    ...(options.baseline !== undefined && { baselineId: options.baseline }),
    ...(options.jira !== undefined && { jiraIssue: options.jira }),
    ...git,
    baseBranch: options.baseBranch,
  };
  let run: Run;
  try {
    run = await client.launchRun(batch.id, input);
  } catch (error) {
    if (error instanceof SceneApiError && (error.status === 400 || error.status === 422)) {
      fail(`the server refused to launch ${batchLabel}: ${error.message}`);
    }
    throw error;
  }
  const runUrl = client.runUrl(run.id);
  const on = git.branch ? ` on ${git.branch}` : '';
  if (!options.wait) {
    io.stdout.write(`Launched run ${run.id} (${run.mode} of ${batchLabel}${on}): ${runUrl}\n`);
    return exitCodes.passed;
  }
  const ended = await waitForEnd(
    client,
    run,
    `Run ${run.id}: ${run.mode} of ${batchLabel}${on}, ${run.summary.total} cell(s): ${runUrl}\n`,
    checked.timeoutMs,
    options,
    io,
  );
  const report: RunReport = {
    run: ended.run,
    executions: ended.executions,
    failOn: checked.failOn,
    batchLabel,
    runUrl,
    executionUrl: (id) => client.executionUrl(id),
  };
  await writeReports(report, options, io);

  const table = changedCellsTable(ended.run, ended.executions);
  if (table) io.stdout.write(`\nChanged cells:\n${table}`);
  const summary = ended.run.summary;
  io.stdout.write(
    `\nRun ${ended.run.id} ${ended.run.status}: ${summary.major} major, ${summary.minor} minor, ${summary.none} unchanged, ${summary.noBaseline} new, ${summary.failed} failed, ${summary.cancelled} cancelled\n${runUrl}\n`,
  );
  // Rendered elsewhere than the baselines (issue 18): differences may be the machine's.
  if (summary.environmentNotice) io.stdout.write(`Environment: ${summary.environmentNotice}\n`);
  const code = exitCodeOf(ended.run, ended.executions, checked.failOn);
  if (code === exitCodes.error) io.stderr.write(`scene run: ${whyNotFinished(ended, runUrl)}\n`);
  return code;
}

function whyNotFinished(ended: { run: Run; executions: Execution[] }, runUrl: string): string {
  const { run, executions } = ended;
  if (run.status === 'cancelled') {
    return `run ${run.id} was cancelled (${run.cancelReason ?? 'unknown reason'}): see ${runUrl}, then launch it again`;
  }
  const failed = executions.filter((e) => e.status === 'failed');
  const first = failed[0];
  const example = first ? ` — ${cellName(first)}: ${first.error ?? 'failed'}` : '';
  return `run ${run.id} failed: ${failed.length} of ${executions.length} cell(s) could not be captured${example}; fix the page or the batch, see ${runUrl}`;
}

/**
 * Prints `announcement`, then waits for the run through its event stream, bounded by --timeout
 * and Ctrl-C.
 */
async function waitForEnd(
  client: SceneClient,
  run: Run,
  announcement: string,
  timeoutMs: number | undefined,
  options: RunCommandOptions,
  io: RunCommandIo,
): Promise<{ run: Run; executions: Execution[] }> {
  const controller = new AbortController();
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => controller.abort(new Error('timeout')), timeoutMs);
  let interrupted = false;
  const removeInterrupt = io.onInterrupt(() => {
    interrupted = true;
    controller.abort(new Error('interrupted'));
  });
  // Only now: a Ctrl-C that follows the line must find the handler (without one, SIGINT ends
  // the process at once, saying nothing). Printed first, a descheduled process lost that race.
  io.stdout.write(announcement);
  const progress = new RunProgress(io.stdout);
  const runUrl = client.runUrl(run.id);
  try {
    await client.waitForRun(run.id, {
      signal: controller.signal,
      onEvent: (event) => progress.onEvent(event),
    });
  } catch (error) {
    progress.stop();
    if (interrupted) {
      if (options.cancelOnInterrupt) {
        await client.cancelRun(run.id).catch((cancelError: unknown) => {
          fail(
            `interrupted; cancelling run ${run.id} failed: ${cancelError instanceof Error ? cancelError.message : String(cancelError)}`,
          );
        });
        fail(`interrupted: cancelled run ${run.id} on the server (${runUrl})`);
      }
      fail(
        `interrupted: stopped waiting; run ${run.id} keeps running on the server (${runUrl}); pass --cancel-on-interrupt to cancel it on Ctrl-C`,
      );
    }
    if (controller.signal.aborted) {
      fail(
        `run ${run.id} did not end within --timeout ${options.timeout} s; it keeps running on the server (${runUrl}): raise --timeout, or check why it is slow`,
      );
    }
    throw error;
  } finally {
    if (timer) clearTimeout(timer);
    removeInterrupt();
  }
  progress.stop();
  // The API's own resources, for reports that equal what the API returns.
  const [ended, executions] = await Promise.all([
    client.getRun(run.id),
    client.listExecutions(run.id),
  ]);
  return { run: ended, executions };
}

async function writeFileMaking(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
}

async function writeReports(
  report: RunReport,
  options: RunCommandOptions,
  io: RunCommandIo,
): Promise<void> {
  const resolve = (file: string) => path.resolve(io.cwd, file);
  try {
    if (options.junit) await writeFileMaking(resolve(options.junit), junitReport(report));
    if (options.json) await writeFileMaking(resolve(options.json), jsonReport(report));
    if (options.markdown) await writeFileMaking(resolve(options.markdown), markdownReport(report));
    if (io.env.stepSummaryFile) await appendFile(io.env.stepSummaryFile, markdownReport(report));
  } catch (error) {
    fail(`cannot write a report: ${error instanceof Error ? error.message : String(error)}`);
  }
}
