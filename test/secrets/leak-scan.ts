import fs from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { sql } from 'kysely';
import type { Db } from '../../src/db/connect.ts';
import type { Dialect } from '../support/test-app.ts';

/** A place a secret was found: what was searched, and which needle matched. */
export interface Leak {
  where: string;
  needle: string;
}

/** Every way a basic-auth password can be spelled in an artifact. */
export function basicAuthNeedles(username: string, password: string): string[] {
  const token = Buffer.from(`${username}:${password}`).toString('base64');
  return [password, token, token.replace(/=+$/, ''), encodeURIComponent(password)];
}

export function findNeedles(where: string, haystack: Buffer | string, needles: string[]): Leak[] {
  const bytes = typeof haystack === 'string' ? Buffer.from(haystack) : haystack;
  return needles
    .filter((needle) => bytes.includes(Buffer.from(needle)))
    .map((needle) => ({ where, needle }));
}

/** Every file under `dir`, and every entry of every zip among them (Playwright traces). */
export function scanFiles(dir: string, needles: string[]): { leaks: Leak[]; zipEntries: string[] } {
  const leaks: Leak[] = [];
  const zipEntries: string[] = [];
  for (const file of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const full = path.join(dir, file);
    if (!fs.statSync(full).isFile()) continue;
    const bytes = fs.readFileSync(full);
    leaks.push(...findNeedles(file, bytes, needles));
    if (bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
      for (const [name, entry] of Object.entries(unzipSync(bytes))) {
        zipEntries.push(`${file}!${name}`);
        leaks.push(...findNeedles(`${file}!${name}`, Buffer.from(entry), needles));
      }
    }
  }
  return { leaks, zipEntries };
}

/**
 * The database as stored: the SQLite file with its -wal and -shm, byte for byte; on Postgres
 * (whose files are not ours to read) every row of every table, as text.
 */
export async function scanDatabase(
  db: Db,
  dialect: Dialect,
  sqliteFile: string,
  needles: string[],
): Promise<Leak[]> {
  if (dialect === 'sqlite') {
    return ['', '-wal', '-shm']
      .map((suffix) => sqliteFile + suffix)
      .filter((file) => fs.existsSync(file))
      .flatMap((file) => findNeedles(path.basename(file), fs.readFileSync(file), needles));
  }
  const tables = await sql<{ tablename: string }>`
    select tablename from pg_tables where schemaname = 'public'`.execute(db);
  const leaks: Leak[] = [];
  for (const { tablename } of tables.rows) {
    const rows = await sql<{ row: string }>`
      select t::text as row from ${sql.table(tablename)} as t`.execute(db);
    leaks.push(
      ...findNeedles(`table ${tablename}`, rows.rows.map((r) => r.row).join('\n'), needles),
    );
  }
  return leaks;
}
