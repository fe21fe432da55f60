import { createContender } from './contenders.ts';

// One contender per child process, so that no tool's heap, garbage or JIT state slows another
// (in one process, the 10 MP pngjs run left the next tool paying for its collection).
// Protocol: {baseline, observed, outDir} → {ms, diffPixels}; {close: true} → exit.

interface Request {
  baseline?: string;
  observed?: string;
  outDir?: string;
  close?: boolean;
}

const contender = createContender(process.argv[2] ?? '');

process.on('message', (request: Request) => {
  void (async () => {
    if (request.close) {
      await contender.close?.();
      process.exit(0);
    }
    const start = performance.now();
    const diffPixels = await contender.compare(
      request.baseline ?? '',
      request.observed ?? '',
      request.outDir ?? '',
    );
    process.send?.({ ms: performance.now() - start, diffPixels, name: contender.name });
  })().catch((error: unknown) => {
    process.send?.({ error: error instanceof Error ? error.message : String(error) });
  });
});
process.send?.({ ready: true, name: contender.name });
