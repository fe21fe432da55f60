import {
  SceneApiError,
  SceneClient,
  SceneUnreachableError,
  type FetchLike,
} from './scene-client.ts';

// What every client command (export, apply, import) shares: its --server/--token options, its
// output, and one line on stderr that says what went wrong and how to fix it (exit code 2).

export interface ClientCommandOptions {
  server: string;
  token?: string;
}

export interface ClientCommandIo {
  stdout: { write(text: string): void };
  stderr: { write(text: string): void };
  cwd: string;
  fetch?: FetchLike;
}

export const clientExitCodes = { ok: 0, error: 2 } as const;

/** An error that ends the command with exit code 2 and its message on stderr. */
export class ClientCommandError extends Error {}

export function clientOf(options: ClientCommandOptions, io: ClientCommandIo): SceneClient {
  try {
    const url = new URL(options.server);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw new ClientCommandError(
      `--server must be an http(s) URL such as http://localhost:8080 (got '${options.server}')`,
    );
  }
  return new SceneClient({
    server: options.server,
    token: options.token,
    ...(io.fetch && { fetch: io.fetch }),
  });
}

/** The one line for the errors every client command can meet; undefined for others. */
export function describeClientError(error: unknown, server: string): string | undefined {
  if (error instanceof ClientCommandError) return error.message;
  if (error instanceof SceneUnreachableError) {
    return `${error.message}; start Scene there or point --server / SCENE_SERVER at it`;
  }
  if (error instanceof SceneApiError) {
    if (error.status === 401 || error.status === 403) {
      return `the server at ${server} refused the request (${error.status}): pass a valid API token with --token or SCENE_TOKEN`;
    }
    return error.message;
  }
  return undefined;
}

/** Runs a client command: its errors become one line on stderr and exit code 2. */
export async function runClientCommand(
  name: string,
  options: ClientCommandOptions,
  io: ClientCommandIo,
  command: () => Promise<number>,
): Promise<number> {
  try {
    return await command();
  } catch (error) {
    const message =
      describeClientError(error, options.server) ??
      `failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`;
    io.stderr.write(`scene ${name}: ${message}\n`);
    return clientExitCodes.error;
  }
}

/** A project id, or a project name. */
export async function resolveProject(client: SceneClient, ref: string) {
  try {
    return await client.getProject(ref);
  } catch (error) {
    if (!(error instanceof SceneApiError && (error.status === 404 || error.status === 400))) {
      throw error;
    }
  }
  const project = (await client.listProjects()).find((p) => p.name === ref);
  if (!project) {
    throw new ClientCommandError(
      `no project '${ref}' on ${client.server}: pass a project name or id`,
    );
  }
  return project;
}
