import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

// The `scene` command as users run it: a child process, given only arguments, a working
// directory and an environment without the parent's SCENE_* variables.

export const sceneBin = path.resolve(import.meta.dirname, '../../bin/scene');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The parent's environment without any SCENE_* or CI variable, plus `env`. */
export function cleanEnvironment(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const ciKeys = /^(SCENE_|GITHUB_|CI_)/;
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !ciKeys.test(key)),
  );
  return { ...clean, ...env };
}

export interface RunningScene {
  child: ChildProcess;
  /** What it printed so far. */
  stdout(): string;
  /** Resolves with the first match of `pattern` in stdout; rejects if it exits first. */
  waitForStdout(pattern: RegExp): Promise<RegExpExecArray>;
  /** Resolves when it has exited. */
  result: Promise<CliResult>;
}

interface SceneOptions {
  env?: Record<string, string>;
  cwd?: string;
  bin?: string;
  input?: string;
}

/** Starts `scene <args>`, for tests that act on it while it runs (e.g. Ctrl-C). */
export function startScene(args: string[], options: SceneOptions = {}): RunningScene {
  const child = spawn(options.bin ?? sceneBin, args, {
    env: cleanEnvironment(options.env),
    cwd: options.cwd ?? process.cwd(),
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  child.stdin?.end(options.input);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const result = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  const waitForStdout = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(stdout);
        if (!match) return;
        child.stdout?.off('data', check);
        resolve(match);
      };
      child.stdout?.on('data', check);
      check();
      void result.then(() =>
        reject(new Error(`exited without printing ${String(pattern)}:\n${stdout}${stderr}`)),
      );
    });
  return { child, stdout: () => stdout, waitForStdout, result };
}

export function runScene(args: string[], options: SceneOptions = {}): Promise<CliResult> {
  return startScene(args, options).result;
}

/** A TCP port nothing listens on (taken from the OS, then released). */
export function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
