import type { Viewport } from '../shared/domain.ts';

export interface MatrixCell {
  position: number;
  matrixKey: string;
  page: { id: string; name: string };
  task: { id: string; name: string } | null;
  browser: string;
  viewport: Viewport;
}

/** The baseline key of a cell: `pageId|taskId|browser|viewportName`, taskId empty for "as loaded". */
export function matrixKeyOf(
  pageId: string,
  taskId: string | null,
  browser: string,
  viewportName: string,
): string {
  return `${pageId}|${taskId ?? ''}|${browser}|${viewportName}`;
}

/**
 * pages × tasks × browsers × viewports, in that nesting order. A batch without tasks captures
 * each page once as loaded (task null).
 */
export function expandRunMatrix(input: {
  pages: readonly { id: string; name: string }[];
  tasks: readonly { id: string; name: string }[];
  browsers: readonly string[];
  viewports: readonly Viewport[];
}): MatrixCell[] {
  const tasks = input.tasks.length > 0 ? input.tasks : [null];
  const cells: MatrixCell[] = [];
  for (const page of input.pages) {
    for (const task of tasks) {
      for (const browser of input.browsers) {
        for (const viewport of input.viewports) {
          cells.push({
            position: cells.length,
            matrixKey: matrixKeyOf(page.id, task?.id ?? null, browser, viewport.name),
            page: { id: page.id, name: page.name },
            task: task && { id: task.id, name: task.name },
            browser,
            viewport: { ...viewport },
          });
        }
      }
    }
  }
  return cells;
}
