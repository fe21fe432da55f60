import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { crashPolicyMessages } from '../../src/processes/crash-policy.ts';

// The crash policy of long-running processes, in a real child process (crash-policy-child.ts
// installs it as src/cli.ts does for `scene serve`): an unhandled rejection is logged and the
// process keeps serving; an uncaught exception is logged and the process exits 1 at once, even
// with a listening server holding the event loop open.

const repoRoot = path.resolve(import.meta.dirname, '../..');

interface Child {
  process: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

let child: Child | undefined;

afterEach(async () => {
  if (child && child.process.exitCode === null && child.process.signalCode === null) {
    child.process.kill('SIGKILL');
    await child.exited;
  }
  child = undefined;
});

async function startChild(): Promise<Child> {
  const started = spawn(
    process.execPath,
    [
      '--import',
      path.join(repoRoot, 'node_modules/tsx/dist/loader.mjs'),
      path.join(import.meta.dirname, 'crash-policy-child.ts'),
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  started.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  started.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => started.once('exit', resolve));
  await expect.poll(() => /"port":(\d+)/.test(output), { timeout: 30_000 }).toBe(true);
  const port = /"port":(\d+)/.exec(output)?.[1] ?? '';
  return { process: started, url: `http://127.0.0.1:${port}`, output: () => output, exited };
}

function logLines(output: string): { level: number; msg: string; err?: { stack?: string } }[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: number; msg: string; err?: { stack?: string } });
}

describe('crash policy of long-running processes', () => {
  it('an unhandled rejection is logged at error with its stack, and the process keeps serving', async () => {
    child = await startChild();
    const current = child;
    expect((await fetch(`${current.url}/reject`)).status).toBe(200);
    await expect
      .poll(() =>
        logLines(current.output()).find((l) => l.msg === crashPolicyMessages.unhandledRejection),
      )
      .toBeDefined();
    const logged = logLines(current.output()).find(
      (l) => l.msg === crashPolicyMessages.unhandledRejection,
    );
    expect(logged?.level).toBe(50); // error
    expect(logged?.err?.stack).toContain('a rejection nobody handles');
    // Still serving, more than once.
    for (let i = 0; i < 3; i++) {
      expect(await (await fetch(`${current.url}/`)).text()).toBe('alive');
    }
    expect(current.process.exitCode).toBeNull();
  });

  it('an uncaught exception is logged at fatal with its stack and the process exits 1 promptly, never hanging', async () => {
    child = await startChild();
    expect((await fetch(`${child.url}/throw`)).status).toBe(200);
    // The listening server would keep a hanging process alive; the test timeout is the guard.
    expect(await child.exited).toBe(1);
    const fatal = logLines(child.output()).find(
      (l) => l.msg === crashPolicyMessages.uncaughtException,
    );
    expect(fatal?.level).toBe(60); // fatal
    expect(fatal?.err?.stack).toContain('an exception nobody catches');
  });
});
