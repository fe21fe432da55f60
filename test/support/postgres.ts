import pg from 'pg';

export const postgresAdminUrl =
  process.env.SCENE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export const postgresMissingHelp = `PostgreSQL is not reachable at ${postgresAdminUrl}.
The suite runs every database test on SQLite and on Postgres. Start it with:
  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start
or point SCENE_TEST_POSTGRES_URL at a server where the user may create databases.`;

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({
    connectionString: postgresAdminUrl,
    connectionTimeoutMillis: 3000,
  });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function assertPostgresReachable(): Promise<void> {
  try {
    await withAdmin((c) => c.query('select 1'));
  } catch (error) {
    throw new Error(`${postgresMissingHelp}\n(${String(error)})`, { cause: error });
  }
}

/** A fresh, empty database per test app; its URL and a function that drops it. */
export async function createScratchDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `scene_t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  await withAdmin((c) => c.query(`create database ${name}`));
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      withAdmin(async (c) => {
        // pg's pool.end() resolves before its sockets have closed; dropping with (force) at
        // once can terminate a still-closing connection. Give them a moment (bounded) first.
        for (let i = 0; i < 100; i++) {
          const open = await c.query<{ n: number }>(
            'select count(*)::int as n from pg_stat_activity where datname = $1',
            [name],
          );
          if (open.rows[0]?.n === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await c.query(`drop database if exists ${name} with (force)`);
      }),
  };
}
