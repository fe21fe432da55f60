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

/**
 * pages × tasks × element selectors × browsers × viewports, in that nesting order. A batch
 * without tasks captures each page once as loaded (task null). A task's capture scope, when
 * set, wins over its page's.
 */
export function expandRunMatrix(input: {
  pages: readonly { id: string; name: string; capture?: CaptureScope | undefined }[];
  tasks: readonly { id: string; name: string; capture?: CaptureScope | undefined }[];
  browsers: readonly string[];
  viewports: readonly Viewport[];
}): MatrixCell[] {
  const tasks = input.tasks.length > 0 ? input.tasks : [null];
  const cells: MatrixCell[] = [];
  for (const page of input.pages) {
    for (const task of tasks) {
      for (const capture of cellCapturesOf(task?.capture ?? page.capture)) {
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
    }
  }
  return cells;
}
