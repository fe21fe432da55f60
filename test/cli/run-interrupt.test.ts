import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand, type RunCommandIo } from '../../src/client/run/run-command.ts';
import { injectClient } from '../support/scene-client.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

// Ctrl-C the instant `scene run --wait` says it waits. Without a SIGINT listener a Node process
// dies at once, silently, so the listener must be in place before the line that invites the
// interrupt is printed (a descheduled CLI lost that race once in test/cli/scene-run.test.ts).
// Here the interrupt is delivered synchronously from inside the write of that line.

let t: TestApp;
let server: string;

beforeAll(async () => {
  // No run engine: the run stays queued, so only the interrupt ends the wait.
  t = await createTestApp('sqlite', { SCENE_EMBEDDED_WORKER: 'false' });
  // listening: the wait reads the run's event stream, which inject cannot hand over as it goes
  await t.server.listen({ host: '127.0.0.1', port: 0 });
  const address = t.server.server.address();
  if (address === null || typeof address !== 'object') throw new Error('not listening');
  server = `http://127.0.0.1:${address.port}`;
  const api = injectClient(t.server);
  const project = await api.createProject({ name: 'ci' });
  const page = await api.createPage(project.id, { name: 'Home', url: 'https://site.test/' });
  await api.createBatch(project.id, {
    name: 'site',
    pageIds: [page.id],
    browsers: ['chromium'],
    viewports: ['desktop'],
  });
});
afterAll(() => t.close());

describe('scene run --wait interrupted right after it prints the run', () => {
  it('is already listening for Ctrl-C when the line appears', async () => {
    const listeners = new Set<() => void>();
    const events: string[] = [];
    let stderr = '';
    const io: RunCommandIo = {
      stdout: {
        isTTY: false,
        write(text) {
          if (!text.startsWith('Run ')) return;
          // Ctrl-C now: a listener handles it, else the process would have died here.
          events.push(listeners.size > 0 ? 'interrupt handled' : 'killed by SIGINT');
          for (const listener of listeners) listener();
        },
      },
      stderr: { write: (text) => (stderr += text) },
      env: { ciBranch: undefined, ciCommit: undefined, stepSummaryFile: undefined },
      cwd: process.cwd(),
      onInterrupt(handler) {
        listeners.add(handler);
        return () => listeners.delete(handler);
      },
    };
    const code = await runCommand(
      'ci/site',
      {
        server,
        mode: 'baseline',
        baseBranch: 'main',
        branch: 'main',
        commit: 'abcd',
        wait: true,
        failOn: 'major',
        timeout: '5', // ends the wait should the interrupt be lost
      },
      io,
    );
    expect(events).toEqual(['interrupt handled']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^scene run: interrupted: stopped waiting; run \S+ keeps running/);
  });
});
