import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureSite, type FixtureSite } from '../../test/fixtures/site/fixture-site.ts';

const run = promisify(execFile);

describe('capture under tsx (the loader bin/scene runs with)', () => {
  let site: FixtureSite;
  beforeAll(async () => {
    site = await startFixtureSite();
  });
  afterAll(async () => {
    await site.close();
  });

  it('runs every in-page function without transpiler helpers leaking into the page', async () => {
    const loader = fileURLToPath(
      new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url),
    );
    const script = fileURLToPath(new URL('./tsx-smoke.script.ts', import.meta.url));
    const { stdout } = await run(process.execPath, ['--import', loader, script, site.url]);
    expect(JSON.parse(stdout)).toEqual({ steps: expect.any(Number) as number, masks: 1 });
  });
});
