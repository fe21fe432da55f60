import { redactUrlPassword } from '../shared/redact-url.ts';
import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, sql, SqliteDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../config/config.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { Logger } from '../shared/logger.ts';
import type { Database } from './database.ts';
import { secretBoxPlugin } from './secret-columns.ts';

export type Db = Kysely<Database>;
/** What repository functions take: the database or an open transaction. */
export type Conn = Kysely<Database> | Transaction<Database>;

/**
 * `secrets` seals and opens the secret columns (pages' basic-auth passwords, webhooks'
 * signing secrets); without it (`scene migrate`) repositories that touch them refuse.
 */
export function connectDatabase(config: DatabaseConfig, logger: Logger, secrets?: SecretBox): Db {
  const plugins = secrets ? [secretBoxPlugin(secrets)] : [];
  switch (config.dialect) {
    case 'sqlite': {
      createOwnerOnly(config.file);
      const sqlite = new SqliteDatabase(config.file);
      sqlite.pragma('journal_mode = WAL');
      // Rows rewritten or deleted leave no old bytes behind in the file (e.g. a secret stored
      // in clear by an earlier version, then encrypted), where that costs no extra I/O.
      sqlite.pragma('secure_delete = FAST');
      sqlite.pragma('synchronous = NORMAL');
      sqlite.pragma('foreign_keys = ON');
      // Writers from the server and its embedded workers share one connection; a second
      // process (scene migrate) waits instead of failing.
      sqlite.pragma('busy_timeout = 5000');
      return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }), plugins });
    }
    case 'postgres': {
      const pool = new pg.Pool({ connectionString: config.url, max: 10 });
      // An idle connection the server closes (restart, failover, admin) emits 'error' on the
      // pool; unhandled, it would end the process. The pool replaces the connection itself.
      pool.on('error', (error) => logger.warn({ err: error }, 'idle database connection lost'));
      // A connection lost while checked out (inside a transaction, between two queries) emits
      // 'error' on its client, which the pool does not listen to: unhandled, one database blip
      // would end the process. The query in progress or the next one fails instead, and the
      // pool discards the client when it is released.
      pool.on('connect', (client) => {
        client.on('error', (error) =>
          logger.warn({ err: error }, 'database connection lost while in use'),
        );
      });
      return new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins });
    }
  }
}

/**
 * The database file holds secrets (encrypted) and everything else: its directory is created
 * owner-only (0700), the file itself 0600 — and SQLite gives its -wal and -shm files the
 * mode of the database file. Existing files are narrowed to 0600; existing directories are
 * left as their owner set them.
 */
function createOwnerOnly(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  for (const suffix of ['', '-wal', '-shm']) {
    try {
      fs.chmodSync(file + suffix, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

/**
 * After secrets stored in clear were rewritten encrypted: on SQLite, moves the write-ahead log
 * into the database file and empties it, so the old row versions are not left in the -wal
 * file. (Postgres keeps old row versions until vacuumed, and its WAL is the server's.)
 */
export async function forgetRewrittenRows(db: Db, config: DatabaseConfig): Promise<void> {
  if (config.dialect === 'sqlite') await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
}

export function describeDatabase(config: DatabaseConfig): string {
  return config.dialect === 'sqlite' ? `sqlite:${config.file}` : redactUrlPassword(config.url);
}
