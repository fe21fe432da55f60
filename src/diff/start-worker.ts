import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Starts the worker module `name` (a sibling of this file). The app runs TypeScript through
 * tsx, and a worker thread does not inherit tsx's module hooks (on Node 20,
 * `execArgv: ['--import', 'tsx']` still fails with ERR_UNKNOWN_FILE_EXTENSION for a .ts entry),
 * so a .ts worker starts from a tiny bootstrap that registers tsx's ESM hooks inside the
 * worker, then imports the entry. Compiled (.js) builds start the entry directly.
 */
export function startWorker(name: string): Worker {
  const extension = /\.[cm]?[jt]s$/.exec(new URL(import.meta.url).pathname)?.[0] ?? '.js';
  const entry = new URL(`./${name}${extension}`, import.meta.url);
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry);
  const tsxApi = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)})
    .then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(bootstrap, { eval: true });
}
