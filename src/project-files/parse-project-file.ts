import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { AppError } from '../shared/errors.ts';
import { projectFileSchema, type ProjectFile } from './project-file.schema.ts';

// Reads a project file (YAML, or JSON, which YAML reads too) and checks it completely before
// anything is changed: syntax, the schema (unknown fields included), duplicate names and the
// names batches use. Every problem names the file and the line.

type PathKey = string | number;

export interface FileProblem {
  file: string;
  line: number;
  column: number;
  /** Where in the file, e.g. pages[2].url; empty for the file as a whole. */
  field: string;
  message: string;
}

/** 422 with every problem of the file in details.problems. */
export function projectFileError(problems: FileProblem[]): AppError {
  const shown = problems.slice(0, 20).map(describeProblem);
  const more = problems.length > shown.length ? `; and ${problems.length - shown.length} more` : '';
  return new AppError('unprocessable', `${shown.join('; ')}${more}`, { problems });
}

export function describeProblem(p: FileProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.field ? `${p.field}: ` : ''}${p.message}`;
}

export function fieldPath(path: readonly PathKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? key : `.${key}`))
    .join('');
}

/** A parsed, valid project file, and where each of its values is in the text. */
export interface ParsedProjectFile {
  name: string;
  content: ProjectFile;
  /** A problem at `path` (the nearest value the text has), for checks made later (apply). */
  problemAt(path: readonly PathKey[], message: string, keyOf?: string): FileProblem;
}

class Locator {
  private readonly lines = new LineCounter();
  readonly doc: Document;

  constructor(
    readonly fileName: string,
    text: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false });
  }

  /** Line and column (1-based) of the value at `path`, or of its key `keyOf` when given. */
  position(path: readonly PathKey[], keyOf?: string): { line: number; column: number } {
    let node: unknown = this.doc.contents;
    let offset = 0;
    const remember = (n: unknown) => {
      const range = (n as Node | null)?.range;
      if (range) offset = range[0];
    };
    remember(node);
    for (const key of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
        if (!pair) break;
        remember(pair.key);
        node = pair.value;
        remember(node);
      } else if (isSeq(node) && typeof key === 'number') {
        node = node.items[key];
        remember(node);
      } else break;
    }
    if (keyOf !== undefined && isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === keyOf);
      if (pair) remember(pair.key);
    }
    return this.at(offset);
  }

  /** Line and column (1-based) of a character offset. */
  at(offset: number): { line: number; column: number } {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  problem(path: readonly PathKey[], message: string, keyOf?: string): FileProblem {
    const field = fieldPath(keyOf === undefined ? path : [...path, keyOf]);
    return { file: this.fileName, ...this.position(path, keyOf), field, message };
  }
}

function schemaProblems(locator: Locator, issues: z.core.$ZodIssue[]): FileProblem[] {
  return issues.flatMap((issue) => {
    const path = issue.path as PathKey[];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) =>
        locator.problem(path, `unknown field '${key}': not part of the project file format`, key),
      );
    }
    return [locator.problem(path, issue.message)];
  });
}

/** Names used twice in one list (pages, tasks, batches, webhook URLs). */
function duplicateProblems(locator: Locator, content: ProjectFile): FileProblem[] {
  const problems: FileProblem[] = [];
  const lists = [
    { list: 'pages', key: 'name', what: 'page name', items: content.pages },
    { list: 'tasks', key: 'name', what: 'task name', items: content.tasks },
    { list: 'batches', key: 'name', what: 'batch name', items: content.batches },
    { list: 'webhooks', key: 'url', what: 'webhook URL', items: content.webhooks },
  ] as const;
  for (const { list, key, what, items } of lists) {
    const first = new Map<string, number>();
    (items ?? []).forEach((item, i) => {
      const value = String((item as Record<string, unknown>)[key]);
      const earlier = first.get(value);
      if (earlier === undefined) first.set(value, i);
      else {
        const at = locator.position([list, earlier, key]);
        problems.push(
          locator.problem(
            [list, i, key],
            `duplicate ${what} '${value}' (first at line ${at.line}): names must be unique`,
          ),
        );
      }
    });
  }
  return problems;
}

/** Batches may name only pages and tasks the file has. */
function referenceProblems(locator: Locator, content: ProjectFile): FileProblem[] {
  const pages = new Set((content.pages ?? []).map((p) => p.name));
  const tasks = new Set((content.tasks ?? []).map((t) => t.name));
  const problems: FileProblem[] = [];
  (content.batches ?? []).forEach((batch, b) => {
    batch.pages.forEach((name, i) => {
      if (!pages.has(name)) {
        problems.push(
          locator.problem(['batches', b, 'pages', i], `no page named '${name}' in this file`),
        );
      }
    });
    (batch.tasks ?? []).forEach((name, i) => {
      if (!tasks.has(name)) {
        problems.push(
          locator.problem(['batches', b, 'tasks', i], `no task named '${name}' in this file`),
        );
      }
    });
  });
  return problems;
}

/** Parses and checks the whole file; throws a 422 naming every problem with its line. */
export function parseProjectFile(text: string, fileName: string): ParsedProjectFile {
  const locator = new Locator(fileName, text);
  const syntax = locator.doc.errors;
  if (syntax.length > 0) {
    throw projectFileError(
      syntax.map((error) => ({
        file: fileName,
        ...locator.at(error.pos[0]),
        field: '',
        message: error.message.split('\n')[0] ?? error.message,
      })),
    );
  }
  const parsed = projectFileSchema.safeParse(locator.doc.toJS());
  if (!parsed.success) throw projectFileError(schemaProblems(locator, parsed.error.issues));
  const content = parsed.data;
  const problems = [...duplicateProblems(locator, content), ...referenceProblems(locator, content)];
  if (problems.length > 0) throw projectFileError(problems);
  return {
    name: fileName,
    content,
    problemAt: (path, message, keyOf) => locator.problem(path, message, keyOf),
  };
}
