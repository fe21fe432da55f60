import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface Measurement {
  contender: string;
  medianMs: number;
  minMs: number;
  diffPixels: number | null;
}

interface Reply {
  ready?: boolean;
  name?: string;
  ms?: number;
  diffPixels?: number | null;
  error?: string;
}

/** A contender running in its own process (contender-host.ts), timed inside that process. */
export interface Host {
  name: string;
  run(
    baseline: string,
    observed: string,
    outDir: string,
  ): Promise<{ ms: number; diffPixels: number | null }>;
  close(): Promise<void>;
}

export async function startHost(key: string): Promise<Host> {
  const child = fork(fileURLToPath(new URL('./contender-host.ts', import.meta.url)), [key], {
    execArgv: ['--import', tsxLoader],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = () =>
    new Promise<Reply>((resolve, reject) => {
      const onExit = (code: number | null) =>
        reject(new Error(`contender '${key}' exited with code ${code}`));
      child.once('exit', onExit);
      child.once('message', (reply: Reply) => {
        child.off('exit', onExit);
        resolve(reply);
      });
    });
  const ready = await next();
  return {
    name: ready.name ?? key,
    async run(baseline, observed, outDir) {
      const reply = next();
      child.send({ baseline, observed, outDir });
      const { ms, diffPixels, error } = await reply;
      if (error !== undefined || ms === undefined)
        throw new Error(`${key}: ${error ?? 'no timing'}`);
      return { ms, diffPixels: diffPixels ?? null };
    },
    close: () => closeChild(child),
  };
}

function closeChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.send({ close: true });
  });
}

/**
 * Runs every contender `iterations` times after `warmups`, interleaved round-robin so that
 * background load on a shared machine falls on all contenders alike. No forced garbage
 * collection between runs: separate processes already keep one tool's garbage from the
 * others, and a forced collection would change what is measured (the heap must regrow).
 */
export async function measure(
  hosts: readonly Host[],
  baseline: string,
  observed: string,
  outDir: string,
  iterations: number,
  warmups: number,
): Promise<Measurement[]> {
  const samples = hosts.map(() => [] as number[]);
  const counts: (number | null)[] = hosts.map(() => null);
  for (let round = 0; round < warmups + iterations; round++) {
    for (const [index, host] of hosts.entries()) {
      const { ms, diffPixels } = await host.run(baseline, observed, outDir);
      counts[index] = diffPixels;
      if (round >= warmups) samples[index]?.push(ms);
    }
  }
  return hosts.map((host, index) => {
    const sorted = [...(samples[index] ?? [])].sort((a, b) => a - b);
    return {
      contender: host.name,
      medianMs: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN,
      minMs: sorted[0] ?? Number.NaN,
      diffPixels: counts[index] ?? null,
    };
  });
}
