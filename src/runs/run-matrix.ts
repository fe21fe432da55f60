import type { CaptureScope, CellCapture, Viewport } from '../shared/domain.ts';

export interface MatrixCell {
  position: number;
  matrixKey: string;
  page: { id: string; name: string };
  task: { id: string; name: string } | null;
  browser: string;
  viewport: Viewport;
  capture: CellCapture;
}

const elementKeyPrefix = 'element:';

/**
 * The baseline key of a cell: `pageId|taskId|browser|viewportName`, taskId empty for "as
 * loaded"; an element cell adds `|element:<selector>` (the selector may itself hold `|`).
 */
export function matrixKeyOf(
  pageId: string,
  taskId: string | null,
  browser: string,
  viewportName: string,
  capture: CellCapture = { scope: 'fullPage' },
): string {
  const key = `${pageId}|${taskId ?? ''}|${browser}|${viewportName}`;
  return capture.scope === 'element' ? `${key}|${elementKeyPrefix}${capture.selector}` : key;
}

/** The parts of a matrix key (see matrixKeyOf). */
export function partsOfMatrixKey(matrixKey: string): {
  pageId: string;
  taskId: string;
  browser: string;
  viewportName: string;
  selector?: string;
} {
  const [pageId = '', taskId = '', browser = '', viewportName = '', ...rest] = matrixKey.split('|');
  const suffix = rest.join('|');
  return {
    pageId,
    taskId,
    browser,
    viewportName,
    ...(suffix.startsWith(elementKeyPrefix) && { selector: suffix.slice(elementKeyPrefix.length) }),
  };
}

/** The cells one page (in one task state) captures: one per element selector, else one. */
export function cellCapturesOf(scope: CaptureScope | undefined): CellCapture[] {
  if (scope?.scope === 'elements') {
    return (scope.selectors ?? []).map((selector) => ({ scope: 'element', selector }));
  }
  return [{ scope: scope?.scope ?? 'fullPage' }];
}

interface MatrixTargets {
  pages: readonly { id: string; name: string; capture?: CaptureScope | undefined }[];
  tasks: readonly { id: string; name: string; capture?: CaptureScope | undefined }[];
}

/**
 * Each page in each task state with each of its captures (one per element selector, else
 * one): the cells before browsers × viewports. A batch without tasks captures each page once
 * as loaded (task null). A task's capture scope, when set, wins over its page's.
 */
function captureTargetsOf(input: MatrixTargets) {
  const tasks = input.tasks.length > 0 ? input.tasks : [null];
  return input.pages.flatMap((page) =>
    tasks.flatMap((task) =>
      cellCapturesOf(task?.capture ?? page.capture).map((capture) => ({ page, task, capture })),
    ),
  );
}

/** pages × tasks × element selectors × browsers × viewports, in that nesting order. */
export function expandRunMatrix(
  input: MatrixTargets & { browsers: readonly string[]; viewports: readonly Viewport[] },
): MatrixCell[] {
  const cells: MatrixCell[] = [];
  for (const { page, task, capture } of captureTargetsOf(input)) {
    for (const browser of input.browsers) {
      for (const viewport of input.viewports) {
        cells.push({
          position: cells.length,
          matrixKey: matrixKeyOf(page.id, task?.id ?? null, browser, viewport.name, capture),
          page: { id: page.id, name: page.name },
          task: task && { id: task.id, name: task.name },
          browser,
          viewport: { ...viewport },
          capture,
        });
      }
    }
  }
  return cells;
}

/** How many cells expandRunMatrix makes of a batch, and of what. */
export interface RunMatrixShape {
  cells: number;
  pages: number;
  taskStates: number;
  /** Pages × task states, each element selector counting as one. */
  captures: number;
  browsers: number;
  viewports: number;
}

/**
 * A batch's pages and tasks found among those given, in the batch's order; ids with no page or
 * task (deleted since) are left out, as a launch leaves them out.
 */
export function batchTargetsOf<
  P extends MatrixTargets['pages'][number],
  T extends MatrixTargets['tasks'][number],
>(
  batch: { pageIds: readonly string[]; taskIds: readonly string[] },
  pages: readonly P[],
  tasks: readonly T[],
): { pages: P[]; tasks: T[] } {
  const pagesById = new Map(pages.map((p) => [p.id, p]));
  const tasksById = new Map(tasks.map((t) => [t.id, t]));
  return {
    pages: batch.pageIds.flatMap((id) => pagesById.get(id) ?? []),
    tasks: batch.taskIds.flatMap((id) => tasksById.get(id) ?? []),
  };
}

/** The shape of a launch of the batch now, given its project's pages and tasks. */
export function batchMatrixShape(
  batch: {
    pageIds: readonly string[];
    taskIds: readonly string[];
    browsers: readonly unknown[];
    viewports: readonly unknown[];
  },
  pages: MatrixTargets['pages'],
  tasks: MatrixTargets['tasks'],
): RunMatrixShape {
  return runMatrixShape({
    ...batchTargetsOf(batch, pages, tasks),
    browsers: batch.browsers,
    viewports: batch.viewports,
  });
}

/** The shape of the matrix expandRunMatrix makes, without making it (estimates, logs). */
export function runMatrixShape(
  input: MatrixTargets & { browsers: readonly unknown[]; viewports: readonly unknown[] },
): RunMatrixShape {
  const captures = captureTargetsOf(input).length;
  return {
    cells: captures * input.browsers.length * input.viewports.length,
    pages: input.pages.length,
    taskStates: Math.max(input.tasks.length, 1),
    captures,
    browsers: input.browsers.length,
    viewports: input.viewports.length,
  };
}

/**
 * `8 execution(s) = 2 page(s) × 2 task state(s) × 1 browser(s) × 2 viewport(s)`; with element
 * cells, the captures they make (`… × 1 task state(s) → 3 capture(s) with element selectors × …`).
 */
export function describeRunMatrix(shape: RunMatrixShape): string {
  const plain = shape.pages * shape.taskStates;
  return (
    `${shape.cells} execution(s) = ${shape.pages} page(s) × ${shape.taskStates} task state(s)` +
    (shape.captures === plain ? '' : ` → ${shape.captures} capture(s) with element selectors`) +
    ` × ${shape.browsers} browser(s) × ${shape.viewports} viewport(s)`
  );
}
