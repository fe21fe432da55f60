import fs from 'node:fs';
import path from 'node:path';
import { SecretKey, secretKeyFormat } from '../secrets/secret-box.ts';
import type { Logger } from '../shared/logger.ts';
import { ConfigError, type Config } from './config.ts';

export const secretKeyFileName = 'secret.key';

/**
 * The key that encrypts stored secrets: SCENE_SECRET_KEY when set, else the key file in the
 * data directory, generated (owner-only) on the first start. Several processes sharing one
 * database must share the key: set SCENE_SECRET_KEY for all of them.
 */
export function loadSecretKey(config: Config, logger: Logger): SecretKey {
  if (config.secretKey) return config.secretKey;
  const file = path.join(config.dataDir, secretKeyFileName);
  const stored = readKeyFile(file);
  if (stored !== undefined) return stored;

  fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const { key, text } = SecretKey.generate(file);
  try {
    // 'wx': a second process starting at the same moment must not replace the first one's key.
    fs.writeFileSync(file, `${text}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      const raced = readKeyFile(file);
      if (raced) return raced;
    }
    throw error;
  }
  logger.info(
    { file },
    `SCENE_SECRET_KEY is not set: generated the key that encrypts stored secrets into ${file} ` +
      '(owner-only). Keep it with the database: stored secrets cannot be read without it.',
  );
  return key;
}

function readKeyFile(file: string): SecretKey | undefined {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const key = SecretKey.parse(text, file);
  if (!key) {
    throw new ConfigError([
      `${file}: not a secret key (expected ${secretKeyFormat}); restore the original file, or set SCENE_SECRET_KEY`,
    ]);
  }
  return key;
}
