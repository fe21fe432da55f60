import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { invariant } from '../../../shared/errors.ts';

const clientDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'client');

/** Browser entry points (TypeScript under client/), served as /static/<name>.js. */
export const clientEntries = ['app', 'viewer'] as const;
export type ClientEntry = (typeof clientEntries)[number];

export interface BuiltAsset {
  body: Buffer;
  etag: string;
}

let bundles: Promise<Map<ClientEntry, BuiltAsset>> | undefined;

async function bundleClient(): Promise<Map<ClientEntry, BuiltAsset>> {
  const result = await build({
    entryPoints: clientEntries.map((name) => ({
      in: path.join(clientDir, `${name}.ts`),
      out: name,
    })),
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: false,
    write: false,
    outdir: '/virtual',
    logLevel: 'silent',
  });
  const assets = new Map<ClientEntry, BuiltAsset>();
  for (const name of clientEntries) {
    const file = result.outputFiles.find((f) => f.path === `/virtual/${name}.js`);
    invariant(file, `esbuild produced no output for client/${name}.ts`);
    const body = Buffer.from(file.contents);
    assets.set(name, {
      body,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 20)}"`,
    });
  }
  return assets;
}

/**
 * The client bundles, built once with esbuild (on first request, or at start through
 * warmClientBundles) and kept in memory. A failed build is retried on the next request.
 */
export async function clientBundle(name: ClientEntry): Promise<BuiltAsset> {
  bundles ??= bundleClient().catch((error: unknown) => {
    bundles = undefined;
    throw error;
  });
  const asset = (await bundles).get(name);
  invariant(asset, `no client bundle named ${name}`);
  return asset;
}

export function warmClientBundles(): Promise<unknown> {
  return clientBundle('app');
}
