import type { AppContext } from '../app-context.ts';
import { writeArtifactFile, type NewArtifactFile } from '../artifacts/artifact-files.ts';
import type { ArtifactRecord } from '../artifacts/artifacts.repository.ts';
import { CaptureError } from '../capture/capture-error.ts';
import type { CaptureLogLine, CaptureResult } from '../capture/capture.types.ts';
import { encodeLayoutSnapshot } from '../shared/layout-snapshot.ts';

// The files an execution's attempt writes (DESIGN.md section 3 step 8), each described once in
// a table: written in order when its bytes are there. The caller records them with the
// outcome, or removes them when none is recorded.

/** The execution a file belongs to. */
export interface FileOwner {
  projectId: string;
  runId: string;
  executionId: string;
}

export function fileOwnerOf(
  run: { id: string; projectId: string },
  execution: { id: string },
): FileOwner {
  return { projectId: run.projectId, runId: run.id, executionId: execution.id };
}

/** One file of the table; left out when it has no bytes. */
export interface OptionalFile extends Omit<NewArtifactFile, keyof FileOwner | 'bytes'> {
  bytes: Buffer | undefined;
}

/**
 * Writes the files that have bytes, in order, pushing each record into `written` as soon as it
 * is stored: when a write fails, `written` holds those already in the store.
 */
export async function writeExecutionFiles(
  ctx: AppContext,
  owner: FileOwner,
  files: readonly OptionalFile[],
  written: ArtifactRecord[] = [],
): Promise<ArtifactRecord[]> {
  for (const { bytes, ...file } of files) {
    if (bytes) written.push(await writeArtifactFile(ctx, { ...owner, ...file, bytes }));
  }
  return written;
}

/** A capture's files: screenshot, reference, layout snapshot, video, trace, and its log. */
export function writeCaptureFiles(
  ctx: AppContext,
  owner: FileOwner,
  capture: CaptureResult,
): Promise<ArtifactRecord[]> {
  const { observed, reference } = capture;
  return writeExecutionFiles(ctx, owner, [
    {
      kind: 'screenshot',
      extension: 'png',
      bytes: observed.png,
      width: observed.width,
      height: observed.height,
    },
    {
      kind: 'reference',
      extension: 'png',
      bytes: reference?.png,
      ...(reference && { width: reference.width, height: reference.height }),
    },
    {
      kind: 'layout',
      extension: 'json.gz',
      bytes: observed.layout && encodeLayoutSnapshot(observed.layout),
    },
    { kind: 'video', extension: 'webm', bytes: capture.video },
    { kind: 'trace', extension: 'zip', bytes: capture.trace },
    { kind: 'log', extension: 'txt', bytes: Buffer.from(formatCaptureLog(capture.log)) },
  ]);
}

/**
 * The evidence a capture failure carries (trace, the page as it failed, the log); none for
 * other errors. A file that cannot be written is logged, not raised: the failure is recorded
 * with the files written before it.
 */
export async function writeFailureFiles(
  ctx: AppContext,
  owner: FileOwner,
  error: unknown,
): Promise<ArtifactRecord[]> {
  if (!(error instanceof CaptureError)) return [];
  const written: ArtifactRecord[] = [];
  try {
    await writeExecutionFiles(
      ctx,
      owner,
      [
        { kind: 'trace', extension: 'zip', bytes: error.trace },
        { kind: 'failure', extension: 'png', bytes: error.screenshot },
        {
          kind: 'log',
          extension: 'txt',
          bytes: error.log.length > 0 ? Buffer.from(formatCaptureLog(error.log)) : undefined,
        },
      ],
      written,
    );
  } catch (writeError) {
    ctx.logger.warn({ err: writeError }, 'could not store the artifacts of a failed execution');
  }
  return written;
}

function formatCaptureLog(lines: readonly CaptureLogLine[]): string {
  return lines
    .map(
      (l) =>
        `${l.at} ${l.level.toUpperCase().padEnd(5)} [${l.step}] ${l.message}${l.durationMs === undefined ? '' : ` (${l.durationMs} ms)`}`,
    )
    .join('\n')
    .concat('\n');
}
