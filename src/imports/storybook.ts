import type {
  FileBatch,
  FilePage,
  FileTask,
  ProjectFile,
} from '../project-files/project-file.schema.ts';
import { projectFileVersion } from '../project-files/project-file.schema.ts';

// Storybook → a Scene project file: one page per story of the Storybook's index (index.json of
// Storybook 7+, stories.json of Storybook 6). Pure: fetching the index and applying the file
// are the caller's (import-storybook.ts).

export interface StorybookEntry {
  id: string;
  title: string;
  name: string;
  type: 'story' | 'docs';
  tags: string[];
}

export interface StorybookReport {
  /** Stories in the index (docs entries not counted). */
  stories: number;
  /** Pages created for stories new since the last import. */
  added: string[];
  /** Story pages that differed from their story (edited by hand, or the import changed). */
  updated: string[];
  /** Pages deleted: their stories are gone from the Storybook (or filtered out now). */
  removed: string[];
  /** Pages of the batch that are not stories (added by hand): kept in it, untouched. */
  kept: string[];
  /** Index entries that did not become pages, and why. */
  skipped: { entry: string; reason: string }[];
}

export interface StorybookFilter {
  /** A story needs one of these tags (when any are given). */
  includeTags: string[];
  /** A story with one of these tags is skipped. */
  excludeTags: string[];
}

/**
 * Readiness of a story in Storybook's preview (iframe.html): the preview's current render has
 * completed (Storybook 7+: `__STORYBOOK_PREVIEW__.currentRender.phase`; older previews: the
 * `sb-show-main` class alone), the story is shown and its root has content. A render error throws,
 * failing the capture with Storybook's reason instead of capturing the error screen.
 */
export const storyRenderedCondition = `(() => {
  const body = document.body;
  if (!body) return false;
  if (body.classList.contains('sb-show-errordisplay')) {
    const reason = document.querySelector('#error-message')?.textContent?.trim();
    throw new Error('Storybook could not render the story' + (reason ? ': ' + reason : ''));
  }
  const phase = window.__STORYBOOK_PREVIEW__?.currentRender?.phase;
  if (phase !== undefined && phase !== 'completed' && phase !== 'finished' && phase !== 'played') return false;
  const root = document.querySelector('#storybook-root') ?? document.querySelector('#root');
  return body.classList.contains('sb-show-main') && root !== null &&
    (root.childElementCount > 0 || (root.textContent ?? '').trim() !== '');
})()`;

/** The Storybook's base (ending in /) from what a user pastes: its root, index.html or iframe.html. */
export function storybookBaseOf(url: string): string {
  const base = new URL(url);
  base.search = '';
  base.hash = '';
  if (/\.(html|json)$/.test(base.pathname)) base.pathname = base.pathname.replace(/[^/]*$/, '');
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  return base.href;
}

/** The story alone in Storybook's preview, without the manager UI around it. */
export function storyUrlOf(base: string, storyId: string): string {
  return new URL(`iframe.html?id=${encodeURIComponent(storyId)}&viewMode=story`, base).href;
}

/** Whether a page shows a story of this Storybook (so a re-import may delete it). */
export function isStoryPageOf(base: string, url: string): boolean {
  return url.startsWith(new URL('iframe.html?', base).href);
}

/**
 * The entries of index.json (v4, v5: `entries` with `type`) or stories.json (v3: `stories`,
 * docs-only ones marked by `parameters.docsOnly`). Throws a message on anything else.
 */
export function readStorybookIndex(json: unknown): StorybookEntry[] {
  const index = json as {
    v?: unknown;
    entries?: Record<string, Record<string, unknown>>;
    stories?: Record<string, Record<string, unknown>>;
  } | null;
  const raw = index?.entries ?? index?.stories;
  if (typeof raw !== 'object' || raw === null) {
    throw new Error('not a Storybook index: no "entries" (index.json) or "stories" (stories.json)');
  }
  return Object.entries(raw).map(([key, e]) => {
    const parameters = e['parameters'] as { docsOnly?: unknown } | undefined;
    const str = (v: unknown, fallback: string) => (typeof v === 'string' ? v : fallback);
    return {
      id: str(e['id'], key),
      title: str(e['title'], str(e['kind'], key)),
      name: str(e['name'], str(e['story'], key)),
      type: e['type'] === 'docs' || parameters?.docsOnly === true ? 'docs' : 'story',
      tags: Array.isArray(e['tags']) ? e['tags'].filter((t) => typeof t === 'string') : [],
    };
  });
}

export function convertStorybook(
  entries: StorybookEntry[],
  options: {
    base: string;
    projectName: string;
    filter: StorybookFilter;
    /**
     * The batch as it stands: re-importing keeps its browsers, viewports, thresholds, tasks and
     * schedules; its story pages become the stories, its other pages (added by hand) stay.
     */
    existingBatch: FileBatch | undefined;
    /** The project's pages, which tell the batch's story pages from those added by hand. */
    existingPages: FilePage[] | undefined;
    /** The project's tasks, which the existing batch may name. */
    tasks: FileTask[] | undefined;
    /** For a new batch. */
    defaultViewport: string;
  },
): {
  file: ProjectFile;
  skipped: StorybookReport['skipped'];
  stories: number;
  kept: string[];
} {
  const skipped: StorybookReport['skipped'] = [];
  const pages: FilePage[] = [];
  const names = new Set<string>();
  const { includeTags, excludeTags } = options.filter;
  for (const entry of entries) {
    const label = `${entry.title} / ${entry.name}`;
    if (entry.type === 'docs') {
      skipped.push({ entry: label, reason: 'docs entry' });
      continue;
    }
    const excluded = entry.tags.filter((t) => excludeTags.includes(t));
    if (excluded.length > 0) {
      skipped.push({ entry: label, reason: `tagged ${excluded.join(', ')} (excluded)` });
      continue;
    }
    if (includeTags.length > 0 && !entry.tags.some((t) => includeTags.includes(t))) {
      skipped.push({ entry: label, reason: `not tagged ${includeTags.join(' or ')}` });
      continue;
    }
    let name = label.slice(0, 190);
    for (let n = 2; names.has(name); n++) name = `${label.slice(0, 190)} (${n})`;
    names.add(name);
    pages.push({
      name,
      url: storyUrlOf(options.base, entry.id),
      actions: [{ type: 'waitForFunction', script: storyRenderedCondition }],
    });
  }
  // A page of this Storybook is the import's own (the stories replace them); any other page of
  // the batch was added by hand and stays, after the stories.
  const storyPages = new Set(
    (options.existingPages ?? [])
      .filter((p) => isStoryPageOf(options.base, p.url))
      .map((p) => p.name),
  );
  const kept = (options.existingBatch?.pages ?? []).filter(
    (name) => !storyPages.has(name) && !names.has(name),
  );
  // The file names every page its batch does; the kept ones as they stand (so unchanged).
  const keptPages = (options.existingPages ?? []).filter((p) => kept.includes(p.name));
  const batch: FileBatch = {
    ...(options.existingBatch ?? {
      name: 'storybook',
      browsers: ['chromium'],
      viewports: [options.defaultViewport],
    }),
    pages: [...pages.map((p) => p.name), ...kept],
  };
  return {
    file: {
      version: projectFileVersion,
      name: options.projectName,
      pages: [...pages, ...keptPages],
      ...(options.tasks && { tasks: options.tasks }),
      batches: [batch],
    },
    skipped,
    stories: entries.filter((e) => e.type === 'story').length,
    kept,
  };
}
