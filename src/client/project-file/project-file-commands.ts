import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ApplyResult } from '../scene-client.ts';
import { SceneApiError } from '../scene-client.ts';
import {
  ClientCommandError,
  clientExitCodes,
  clientOf,
  resolveProject,
  runClientCommand,
  type ClientCommandIo,
  type ClientCommandOptions,
} from '../client-command.ts';

// `scene export` and `scene apply`: the project file between a repository and a running Scene.

export interface ExportCommandOptions extends ClientCommandOptions {
  output?: string;
  format?: string;
}

export interface ApplyCommandOptions extends ClientCommandOptions {
  dryRun?: boolean;
  prune?: boolean;
}

export interface ApplyCommandIo extends ClientCommandIo {
  /** Values of the environment variables the file references (`${NAME}`). */
  variables(names: string[]): Record<string, string>;
}

function formatOf(options: ExportCommandOptions): 'yaml' | 'json' {
  const format = options.format ?? (options.output?.endsWith('.json') ? 'json' : 'yaml');
  if (format !== 'yaml' && format !== 'json') {
    throw new ClientCommandError(`--format must be yaml or json (got '${format}')`);
  }
  return format;
}

export function exportCommand(
  projectRef: string,
  options: ExportCommandOptions,
  io: ClientCommandIo,
): Promise<number> {
  return runClientCommand('export', options, io, async () => {
    const format = formatOf(options);
    const client = clientOf(options, io);
    const project = await resolveProject(client, projectRef);
    const text = await client.exportProject(project.id, format);
    if (options.output === undefined) {
      io.stdout.write(text);
    } else {
      await writeFile(path.resolve(io.cwd, options.output), text);
      io.stderr.write(`Exported project '${project.name}' to ${options.output}\n`);
    }
    return clientExitCodes.ok;
  });
}

/** The names of the `${NAME}` references in the file's text. */
function referencedVariables(text: string): string[] {
  return [...new Set([...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1] ?? ''))];
}

export function describePlan(result: ApplyResult): string {
  if (result.changes.length === 0) {
    return `Project '${result.project.name}' is up to date: nothing to change.\n`;
  }
  const lines = result.changes.map((c) => {
    const fields = c.fields?.length ? ` (${c.fields.join(', ')})` : '';
    return `  ${c.action.padEnd(6)} ${c.entity} ${c.name}${fields}`;
  });
  const head = result.dryRun
    ? `Plan for project '${result.project.name}' (dry run, nothing changed):`
    : `Applied to project '${result.project.name}':`;
  return `${head}\n${lines.join('\n')}\n${result.changes.length} change(s)\n`;
}

interface ProblemBody {
  error?: {
    details?: {
      problems?: { file: string; line: number; column: number; field: string; message: string }[];
    };
  };
}

export function applyCommand(
  file: string,
  options: ApplyCommandOptions,
  io: ApplyCommandIo,
): Promise<number> {
  return runClientCommand('apply', options, io, async () => {
    let text: string;
    try {
      text = await readFile(path.resolve(io.cwd, file), 'utf8');
    } catch (error) {
      throw new ClientCommandError(
        `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
    const client = clientOf(options, io);
    try {
      const result = await client.applyProjectFile({
        file: text,
        fileName: file,
        dryRun: options.dryRun ?? false,
        prune: options.prune ?? false,
        environment: io.variables(referencedVariables(text)),
      });
      io.stdout.write(describePlan(result));
      return clientExitCodes.ok;
    } catch (error) {
      const body = error instanceof SceneApiError ? (error.body as ProblemBody) : undefined;
      const problems = body?.error?.details?.problems;
      if (!problems?.length) throw error;
      for (const p of problems) {
        io.stderr.write(
          `${p.file}:${p.line}:${p.column}: ${p.field ? `${p.field}: ` : ''}${p.message}\n`,
        );
      }
      throw new ClientCommandError(`${file} was not applied: nothing changed`);
    }
  });
}
