import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../config/config.ts';
import type { Logger } from '../shared/logger.ts';
import type { Database } from './database.ts';

export type Db = Kysely<Database>;
/** What repository functions take: the database or an open transaction. */
export type Conn = Kysely<Database> | Transaction<Database>;

export function connectDatabase(config: DatabaseConfig, logger: Logger): Db {
  switch (config.dialect) {
    case 'sqlite': {
      fs.mkdirSync(path.dirname(config.file), { recursive: true });
      const sqlite = new SqliteDatabase(config.file);
      sqlite.pragma('journal_mode = WAL');
      sqlite.pragma('synchronous = NORMAL');
      sqlite.pragma('foreign_keys = ON');
      // Writers from the server and its embedded workers share one connection; a second
      // process (scene migrate) waits instead of failing.
      sqlite.pragma('busy_timeout = 5000');
      return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
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
      return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    }
  }
}

export function describeDatabase(config: DatabaseConfig): string {
  return config.dialect === 'sqlite'
    ? `sqlite:${config.file}`
    : config.url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
