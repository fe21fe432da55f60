import { spawn } from 'node:child_process';
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

export function runScene(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; bin?: string; input?: string } = {},
): Promise<CliResult> {
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
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
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
