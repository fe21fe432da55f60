import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BrowserPool } from '../../src/capture/browser-pool.ts';
import { findPagesForCapture } from '../../src/pages/pages.repository.ts';
import { verifyWebhookSignature } from '../../src/webhooks/signing.ts';
import { findWebhookTargets } from '../../src/webhooks/webhooks.repository.ts';
import {
  fixtureBasicAuth,
  fixturePaths,
  startFixtureSite,
  type FixtureSite,
} from '../fixtures/site/fixture-site.ts';
import { createScratchDatabase } from '../support/postgres.ts';
import { dialects, openScene, type Dialect, type OpenScene } from '../support/test-app.ts';
import { injectClient, pollRun } from '../support/scene-client.ts';
import { TestReceiver, waitFor } from '../webhooks/support.ts';
import { scanDatabase } from './leak-scan.ts';

// Issue #10, finding 7: page basic-auth passwords and webhook signing secrets are stored
// encrypted with SCENE_SECRET_KEY (or a key generated into the data directory), a restart with
// the same key still uses them, a wrong key stops the start, and the files are owner-only.

const otherKey = Buffer.alloc(32, 7).toString('base64');

/** A data directory and a database that outlive the Scene processes opened on them. */
interface Install {
  env: Record<string, string>;
  dataDir: string;
  open(extra?: Record<string, string>): Promise<OpenScene>;
  remove(): Promise<void>;
}

async function newInstall(dialect: Dialect): Promise<Install> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'scene-secrets-'));
  // Not there yet: Scene creates it.
  const dataDir = path.join(root, 'data');
  const scratch = dialect === 'postgres' ? await createScratchDatabase() : undefined;
  const env = { SCENE_DATA_DIR: dataDir, ...(scratch && { SCENE_DATABASE_URL: scratch.url }) };
  const opened: OpenScene[] = [];
  return {
    env,
    dataDir,
    async open(extra = {}) {
      const scene = await openScene({ ...env, ...extra });
      opened.push(scene);
      return scene;
    },
    async remove() {
      await scratch?.drop();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

function mode(file: string): string {
  return (fs.statSync(file).mode & 0o777).toString(8);
}

async function storedSecrets(scene: OpenScene) {
  const pages = await scene.app.db.selectFrom('pages').select('basic_auth_password').execute();
  const hooks = await scene.app.db.selectFrom('webhooks').select('secret').execute();
  return [...pages.map((p) => p.basic_auth_password), ...hooks.map((h) => h.secret)];
}

async function createPageAndWebhook(scene: OpenScene, pageUrl: string, hookUrl: string) {
  const api = injectClient(scene.server);
  const project = await api.ok<{ id: string }>('POST', '/projects', { name: 'Private' });
  const page = await api.ok<{ id: string }>('POST', `/projects/${project.id}/pages`, {
    name: 'private',
    url: pageUrl,
    basicAuth: fixtureBasicAuth,
  });
  const hook = await api.ok<{ id: string; secret: string }>(
    'POST',
    `/projects/${project.id}/webhooks`,
    { url: hookUrl, events: ['run.finished', 'run.failed'] },
  );
  const batch = await api.ok<{ id: string }>('POST', `/projects/${project.id}/batches`, {
    name: 'nightly',
    pageIds: [page.id],
    browsers: ['chromium'],
    viewports: ['desktop'],
  });
  return { api, page, hook, batch };
}

describe.each(dialects)('secrets at rest on %s', (dialect) => {
  let site: FixtureSite;
  let receiver: TestReceiver;
  let install: Install;
  let scene: OpenScene | undefined;
  beforeAll(async () => {
    site = await startFixtureSite();
    receiver = await TestReceiver.start();
  });
  afterAll(async () => {
    await receiver.stop();
    await site.close();
  });
  afterEach(async () => {
    await scene?.close();
    scene = undefined;
    await install.remove();
  });

  it('are stored encrypted, and a restart with the same key still authenticates and signs', async () => {
    install = await newInstall(dialect);
    scene = await install.open();
    const keyFile = path.join(install.dataDir, 'secret.key');
    expect(mode(keyFile)).toBe('600');
    expect(mode(install.dataDir)).toBe('700');
    const keyText = fs.readFileSync(keyFile, 'utf8').trim();
    expect(scene.logs.join('\n')).toMatch(/SCENE_SECRET_KEY is not set: generated the key/);

    const { page, hook, batch } = await createPageAndWebhook(
      scene,
      site.url + fixturePaths.auth,
      receiver.url(),
    );
    const stored = await storedSecrets(scene);
    expect(stored).toHaveLength(2);
    for (const value of stored) expect(value).toMatch(/^enc:v1:[A-Za-z0-9_-]+$/);
    const file = path.join(install.dataDir, 'scene.db');
    const needles = [fixtureBasicAuth.password, hook.secret];
    expect(await scanDatabase(scene.app.db, dialect, file, needles)).toEqual([]);
    expect(scene.logs.join('\n')).not.toContain(keyText);
    await scene.close();

    // A second start reads the same key file, without generating another.
    scene = await install.open();
    expect(scene.logs.join('\n')).not.toMatch(/generated the key/);
    expect(fs.readFileSync(keyFile, 'utf8').trim()).toBe(keyText);
    const [forCapture] = await findPagesForCapture(scene.app.db, [page.id]);
    expect(forCapture?.basicAuth).toEqual(fixtureBasicAuth);
    const pool = new BrowserPool();
    await scene.app.startRunEngine({ pool, checkIntervalMs: 100 });
    scene.app.webhookDeliverer.start();
    const api = injectClient(scene.server);
    const run = await pollRun(api, (await api.launchRun(batch.id, { mode: 'baseline' })).id);
    // 401 without the right password: the stored one opened with the key.
    expect(run.status).toBe('finished');
    expect((await api.listExecutions(run.id))[0]).toMatchObject({ httpStatus: 200 });
    const delivered = await waitFor('the signed run.finished delivery', () =>
      receiver.requests.find((r) => r.event === 'run.finished' && r.body.includes(run.id)),
    );
    expect(verifyWebhookSignature(hook.secret, delivered.signature, delivered.body)).toBe(true);
  });

  it('stop the start when the key is not the one they were stored with, saying so', async () => {
    install = await newInstall(dialect);
    scene = await install.open();
    await createPageAndWebhook(scene, site.url + fixturePaths.auth, receiver.url());
    const keyText = fs.readFileSync(path.join(install.dataDir, 'secret.key'), 'utf8').trim();
    await scene.close();
    scene = undefined;

    await expect(install.open({ SCENE_SECRET_KEY: otherKey })).rejects.toThrow(
      /does not decrypt with the key from SCENE_SECRET_KEY: it was encrypted with another key/,
    );
    // The generated key, given as SCENE_SECRET_KEY, is the same key.
    scene = await install.open({ SCENE_SECRET_KEY: keyText });
    expect(await storedSecrets(scene)).toHaveLength(2);
  });

  it('stored in clear by an earlier version are encrypted at the next start, once', async () => {
    install = await newInstall(dialect);
    scene = await install.open();
    const { page, hook } = await createPageAndWebhook(scene, site.url, receiver.url());
    const legacyPassword = 'legacy-Pw-5b19e';
    const legacySecret = 'whsec_legacy-4f0c2a';
    await scene.app.db.updateTable('pages').set({ basic_auth_password: legacyPassword }).execute();
    await scene.app.db.updateTable('webhooks').set({ secret: legacySecret }).execute();
    await scene.close();

    scene = await install.open();
    expect(scene.logs.join('\n')).toMatch(/encrypted 2 secret\(s\) stored in clear/);
    const sealed = await storedSecrets(scene);
    for (const value of sealed) expect(value).toMatch(/^enc:v1:/);
    const [forCapture] = await findPagesForCapture(scene.app.db, [page.id]);
    expect(forCapture?.basicAuth?.password).toBe(legacyPassword);
    const [target] = await findWebhookTargets(scene.app.db, [hook.id]);
    expect(target?.secret).toBe(legacySecret);
    const file = path.join(install.dataDir, 'scene.db');
    expect(await scanDatabase(scene.app.db, dialect, file, [legacyPassword, legacySecret])).toEqual(
      [],
    );
    await scene.close();

    scene = await install.open();
    expect(scene.logs.join('\n')).not.toMatch(/stored in clear/);
    expect(await storedSecrets(scene)).toEqual(sealed);
  });
});

describe('files of a SQLite install', () => {
  let install: Install | undefined;
  afterEach(async () => {
    await install?.remove();
  });

  it('are owner-only: data directory 0700, database, -wal, -shm and key 0600', async () => {
    install = await newInstall('sqlite');
    const scene = await install.open();
    const file = path.join(install.dataDir, 'scene.db');
    // Written to, so that the -wal file exists.
    await injectClient(scene.server).ok('POST', '/projects', { name: 'Modes' });
    expect(mode(install.dataDir)).toBe('700');
    for (const name of ['scene.db', 'scene.db-wal', 'scene.db-shm', 'secret.key']) {
      expect([name, mode(path.join(install.dataDir, name))]).toEqual([name, '600']);
    }
    await scene.close();

    // A database file an earlier version created world-readable is narrowed at start.
    fs.chmodSync(file, 0o644);
    const again = await install.open();
    expect(mode(file)).toBe('600');
    await again.close();
  });
});
