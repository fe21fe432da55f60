import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { SceneClient } from '../../src/client/scene-client.ts';

// `bin/scene serve` as a child process, driven over HTTP: for tests about the process itself
// (it must stay up, or exit promptly), which an in-process app cannot show.

const repoRoot = path.resolve(import.meta.dirname, '../..');

export interface SceneChild {
  child: ChildProcess;
  /** Base URL, e.g. http://127.0.0.1:41234 (empty for a worker: it serves no API) */
  url: string;
  /** Resolves with the exit code (or the signal's name) once the process has exited. */
  exited: Promise<number | string | null>;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Whether the process is still running. */
  alive(): boolean;
  /** SIGKILL, unless it already exited; resolves once it has. */
  kill(): Promise<void>;
}

/**
 * Starts `bin/scene serve` (or `worker`) and resolves once it is running: for serve, once it
 * names its URL; for a worker, once it says it takes captures (its `url` is then empty).
 */
export async function startSceneChild(
  env: Record<string, string>,
  command: 'serve' | 'worker' = 'serve',
  options: { cwd?: string } = {},
): Promise<SceneChild> {
  const child = spawn(path.join(repoRoot, 'bin/scene'), [command], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, SCENE_PORT: '0', SCENE_HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let exitedWith: number | string | null | undefined;
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => {
      exitedWith = code ?? signal;
      resolve(exitedWith);
    }),
  );
  const onData = (chunk: Buffer): void => {
    output += chunk.toString();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`scene did not start:\n${output}`)), 60_000);
    const check = (): void => {
      if (command === 'worker') {
        if (output.includes('Scene worker is running')) {
          clearTimeout(timer);
          resolve('');
        }
        return;
      }
      const match = /"url":"http:\/\/localhost:(\d+)"/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${match[1]}`);
      }
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`scene exited before it started:\n${output}`));
    });
  });
  return {
    child,
    url,
    exited,
    output: () => output,
    alive: () => exitedWith === undefined,
    async kill() {
      if (exitedWith === undefined) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** One REST call through the typed client (src/client/scene-client.ts); any status. */
export async function callScene<T>(
  scene: SceneChild,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const { status, body: answer } = await clientOf(scene).request<T>(method, url, body);
  return { status, body: answer };
}

/** One REST call that must answer 2xx; throws with the status and the error otherwise. */
export function okScene<T>(
  scene: SceneChild,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  body?: unknown,
): Promise<T> {
  return clientOf(scene).ok<T>(method, url, body);
}

/** The typed API client of a child server. */
export function clientOf(scene: Pick<SceneChild, 'url'>): SceneClient {
  return new SceneClient({ server: scene.url });
}

/** Polls `read` until `done`; gives up after `limitMs` (a hang guard, not a timing assertion). */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  limitMs = 90_000,
): Promise<T> {
  const giveUpAt = Date.now() + limitMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > giveUpAt) {
      throw new Error(`gave up waiting for ${what}: ${JSON.stringify(value)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
