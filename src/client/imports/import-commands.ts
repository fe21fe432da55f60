import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  ClientCommandError,
  clientExitCodes,
  clientOf,
  runClientCommand,
  type ClientCommandIo,
  type ClientCommandOptions,
} from '../client-command.ts';

// `scene import backstop`: a backstop.json (and the cookie files its scenarios name, read next
// to it) sent to a running Scene; prints what mapped and what did not.

export interface BackstopImportOptions extends ClientCommandOptions {
  project?: string;
}

interface ImportAnswer {
  project: { id: string; name: string };
  changes: { action: string; entity: string; name: string }[];
  report: {
    mapped: { scenario: string; page: string }[];
    notMapped: { scenario?: string; field: string; reason: string }[];
    viewportsAdded: string[];
  };
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new ClientCommandError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
}

export function importBackstopCommand(
  file: string,
  options: BackstopImportOptions,
  io: ClientCommandIo,
): Promise<number> {
  return runClientCommand('import backstop', options, io, async () => {
    const full = path.resolve(io.cwd, file);
    let config: { scenarios?: { cookiePath?: unknown }[] };
    try {
      config = JSON.parse(await readText(full)) as typeof config;
    } catch (error) {
      if (error instanceof ClientCommandError) throw error;
      throw new ClientCommandError(`${file} is not JSON: ${(error as Error).message}`);
    }
    const cookies: Record<string, string> = {};
    for (const scenario of config.scenarios ?? []) {
      const cookiePath = scenario.cookiePath;
      if (typeof cookiePath !== 'string' || cookiePath in cookies) continue;
      try {
        cookies[cookiePath] = await readFile(path.resolve(path.dirname(full), cookiePath), 'utf8');
      } catch {
        // reported by the server as not readable
      }
    }
    const client = clientOf(options, io);
    const answer = await client.ok<ImportAnswer>('POST', '/imports/backstop', {
      config,
      ...(options.project !== undefined && { project: options.project }),
      cookies,
    });
    const { report } = answer;
    io.stdout.write(
      `Imported ${report.mapped.length} scenario(s) into project '${answer.project.name}' (${answer.changes.length} change(s))\n`,
    );
    if (report.viewportsAdded.length > 0) {
      io.stdout.write(`Viewports added to the settings: ${report.viewportsAdded.join(', ')}\n`);
    }
    if (report.notMapped.length > 0) {
      io.stdout.write('Not imported:\n');
      for (const n of report.notMapped) {
        io.stdout.write(`  ${n.scenario ? `${n.scenario}: ` : ''}${n.field}: ${n.reason}\n`);
      }
    }
    return clientExitCodes.ok;
  });
}

export interface StorybookImportOptions extends ClientCommandOptions {
  project?: string;
  includeTag?: string[];
  excludeTag?: string[];
}

interface StorybookImportAnswer {
  project: { id: string; name: string };
  changes: { action: string; entity: string; name: string }[];
  report: {
    stories: number;
    added: string[];
    /** Absent from servers older than these fields. */
    updated?: string[];
    removed: string[];
    kept?: string[];
    skipped: { entry: string; reason: string }[];
  };
}

/** `scene import storybook`: the server reads the Storybook's index; prints what changed. */
export function importStorybookCommand(
  url: string,
  options: StorybookImportOptions,
  io: ClientCommandIo,
): Promise<number> {
  return runClientCommand('import storybook', options, io, async () => {
    const client = clientOf(options, io);
    const answer = await client.ok<StorybookImportAnswer>('POST', '/imports/storybook', {
      url,
      ...(options.project !== undefined && { project: options.project }),
      ...(options.includeTag && { includeTags: options.includeTag }),
      ...(options.excludeTag && { excludeTags: options.excludeTag }),
    });
    const { report } = answer;
    const imported =
      report.stories - report.skipped.filter((s) => s.reason !== 'docs entry').length;
    const updated = report.updated ?? [];
    const kept = report.kept ?? [];
    io.stdout.write(
      `Imported ${imported} of ${report.stories} story(ies) into project '${answer.project.name}' (${answer.changes.length} change(s))\n` +
        `Pages: ${report.added.length} added, ${updated.length} updated, ${report.removed.length} removed, ${kept.length} kept (added by hand)\n`,
    );
    const list = (title: string, items: string[]) => {
      if (items.length === 0) return;
      io.stdout.write(`${title}:\n`);
      for (const item of items) io.stdout.write(`  ${item}\n`);
    };
    list('Added', report.added);
    list('Updated (reset to the story)', updated);
    list('Removed (gone from the Storybook or filtered out)', report.removed);
    list('Kept in the batch (not stories)', kept);
    list(
      'Skipped',
      report.skipped.map((s) => `${s.entry}: ${s.reason}`),
    );
    return clientExitCodes.ok;
  });
}
