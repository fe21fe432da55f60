import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretBox } from '../secrets/secret-box.ts';
import { createLogger } from '../shared/logger.ts';
import { ConfigError, loadConfig } from './config.ts';
import { loadSecretKey } from './secret-key.ts';

let root: string | undefined;
afterEach(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
  root = undefined;
});

function setup(env: Record<string, string> = {}) {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'scene-key-'));
  const dataDir = path.join(root, 'data');
  const logs: string[] = [];
  const logger = createLogger(
    'info',
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(chunk.toString());
        done();
      },
    }),
  );
  return { dataDir, logs, logger, config: loadConfig({ SCENE_DATA_DIR: dataDir, ...env }) };
}

describe('loadSecretKey', () => {
  it('generates the key file owner-only on the first start, says so, then reads it', () => {
    const { dataDir, logs, logger, config } = setup();
    const key = loadSecretKey(config, logger);
    const file = path.join(dataDir, 'secret.key');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
    const text = fs.readFileSync(file, 'utf8').trim();
    expect(logs.join('')).toContain(`generated the key that encrypts stored secrets into ${file}`);
    expect(logs.join('')).not.toContain(text);

    const again = loadSecretKey(config, logger);
    expect(logs).toHaveLength(1);
    expect(new SecretBox(again).open(new SecretBox(key).seal('s', 'c:1'), 'c:1')).toBe('s');
  });

  it('prefers SCENE_SECRET_KEY and then writes no file', () => {
    const { dataDir, logs, logger, config } = setup({
      SCENE_SECRET_KEY: Buffer.alloc(32, 3).toString('base64'),
    });
    expect(loadSecretKey(config, logger).source).toBe('SCENE_SECRET_KEY');
    expect(fs.existsSync(path.join(dataDir, 'secret.key'))).toBe(false);
    expect(logs).toEqual([]);
  });

  it('refuses a key file that holds no key, naming the file', () => {
    const { dataDir, logger, config } = setup();
    fs.mkdirSync(dataDir);
    fs.writeFileSync(path.join(dataDir, 'secret.key'), 'not a key\n');
    expect(() => loadSecretKey(config, logger)).toThrow(ConfigError);
    expect(() => loadSecretKey(config, logger)).toThrow(/secret\.key: not a secret key/);
  });
});
