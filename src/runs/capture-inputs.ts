import { findRunBatchDeterminism } from '../batches/batches.repository.ts';
import type { CaptureRequest, CaptureResult } from '../capture/capture.types.ts';
import { defaultFrozenTime } from '../capture/determinism-defaults.ts';
import type { Conn } from '../db/connect.ts';
import { findPagesForCapture } from '../pages/pages.repository.ts';
import { getEffectiveSettings } from '../settings/settings.service.ts';
import type { EnvironmentDriftPolicy, Rect, Viewport } from '../shared/domain.ts';
import { findTasks } from '../tasks/tasks.repository.ts';
import type { ExecutionRecord } from './executions.repository.ts';

export interface CaptureInputs {
  request: CaptureRequest;
  /** The page's ignore regions (the capture adds its mask rectangles). */
  ignoreRegions: Rect[];
  executionTimeoutMs: number;
  /** Re-capture a cell whose compare found a diff, to tell unstable pixels (confirm-change.ts). */
  confirmChanges: boolean;
  /** The batch's answer to a compare rendered elsewhere than its baseline image. */
  onEnvironmentDrift: EnvironmentDriftPolicy;
  /** The batch grades by changedPercent (pixels changed beyond the moves). */
  ignoreMoves: boolean;
}

/** Thrown when an execution cannot even start: its page or task is gone. */
export class ExecutionSetupError extends Error {
  override readonly name = 'ExecutionSetupError';
}

/**
 * What the capture engine needs for one execution, read when it runs (jobs carry ids only):
 * the page as it is now (with its basic-auth password), its task, the effective settings.
 */
export async function loadCaptureInputs(
  conn: Conn,
  projectId: string,
  execution: ExecutionRecord,
  options: { trace: boolean },
): Promise<CaptureInputs> {
  const [page] = await findPagesForCapture(conn, [execution.pageId]);
  if (!page) {
    throw new ExecutionSetupError(
      `page '${execution.pageName}' (${execution.pageId}) was deleted after the run was launched`,
    );
  }
  let task;
  if (execution.taskId !== null) {
    [task] = await findTasks(conn, [execution.taskId]);
    if (!task) {
      throw new ExecutionSetupError(
        `task '${execution.taskName ?? execution.taskId}' was deleted after the run was launched`,
      );
    }
  }
  const settings = await getEffectiveSettings(conn, projectId);
  // The batch as it is now, like the page: its opt-outs apply to all its pages.
  const batch = await findRunBatchDeterminism(conn, execution.runId);
  const { width, height } = execution.viewport;
  const request: CaptureRequest = {
    url: page.url,
    ...(page.referenceUrl !== undefined && { referenceUrl: page.referenceUrl }),
    browser: execution.browser,
    viewport: deviceViewport(execution.viewport),
    ...(page.basicAuth !== undefined && { basicAuth: page.basicAuth }),
    pageActions: page.actions,
    ...(page.script !== undefined && { pageScript: page.script }),
    taskActions: task?.actions ?? [],
    ...(task?.script !== undefined && { taskScript: task.script }),
    hideSelectors: page.hideSelectors,
    removeSelectors: page.removeSelectors,
    maskSelectors: page.maskSelectors,
    waitMs: page.waitMs ?? settings.defaultWaitMs,
    suppressAnimations: settings.suppressAnimations,
    hideCaret: settings.hideCaret,
    cookieBanner: settings.cookieBanner,
    trace: options.trace,
    capture: execution.capture,
    ...(batch?.recordVideo === true && { video: {} }),
    determinism: {
      freezeTime: page.freezeTime && (batch?.freezeTime ?? true),
      frozenTime: batch?.frozenTime ?? defaultFrozenTime,
      seedRandom: page.seedRandom && (batch?.seedRandom ?? true),
      // Per page and viewport: the same sequence every run, whatever URL (or reference URL).
      randomSeed: `${page.id}|${width}x${height}`,
    },
  };
  return {
    request,
    // Page rectangles in CSS pixels; the screenshot is deviceScaleFactor times larger.
    ignoreRegions: scaleRegions(page.ignoreRegions, execution.viewport.deviceScaleFactor ?? 1),
    executionTimeoutMs: settings.executionTimeoutSeconds * 1000,
    confirmChanges: settings.confirmChanges,
    onEnvironmentDrift: batch?.onEnvironmentDrift ?? 'warn',
    ignoreMoves: batch?.ignoreMoves ?? false,
  };
}

/** The capture's viewport: the CSS size and the device fields that are set. */
function deviceViewport(viewport: Viewport): CaptureRequest['viewport'] {
  const { width, height, deviceScaleFactor, isMobile, hasTouch, userAgent } = viewport;
  return {
    width,
    height,
    ...(deviceScaleFactor !== undefined && { deviceScaleFactor }),
    ...(isMobile !== undefined && { isMobile }),
    ...(hasTouch !== undefined && { hasTouch }),
    ...(userAgent !== undefined && { userAgent }),
  };
}

function scaleRegions(regions: Rect[], scale: number): Rect[] {
  if (scale === 1) return regions;
  return regions.map((r) => ({
    x: r.x * scale,
    y: r.y * scale,
    width: r.width * scale,
    height: r.height * scale,
  }));
}

/**
 * What the diff of a capture ignores: the page's ignore regions, moved to the image's origin
 * (an element capture starts where its element does; what falls outside is dropped), and the
 * capture's mask rectangles.
 */
export function ignoredRegionsOf(inputs: CaptureInputs, capture: CaptureResult): Rect[] {
  const { x: ox, y: oy } = capture.observed.origin ?? { x: 0, y: 0 };
  const moved = inputs.ignoreRegions.flatMap((r): Rect[] => {
    const x = Math.max(0, r.x - ox);
    const y = Math.max(0, r.y - oy);
    const width = r.x + r.width - ox - x;
    const height = r.y + r.height - oy - y;
    return width > 0 && height > 0 ? [{ x, y, width, height }] : [];
  });
  return [...moved, ...capture.maskRects];
}
