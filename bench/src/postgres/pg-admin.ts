import pg from 'pg';

/** The database every Postgres system of the bench runs on (as it runs: fsync on). */
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

/** One statement on a short-lived connection. */
export async function admin<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

export async function resetSchema(schema: string): Promise<void> {
  await admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
}

/** ANALYZE every table of `schema`: the planners of all three systems see current statistics. */
export async function analyzeSchema(schema: string): Promise<void> {
  const tables = await admin<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = $1`, [schema]);
  for (const { tablename } of tables) await admin(`ANALYZE ${schema}."${tablename}"`);
}

export async function serverSettings(): Promise<string> {
  const rows = await admin<{ name: string; setting: string }>(`SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'server_version', 'shared_buffers', 'max_connections') ORDER BY name`);
  return rows.map((r) => `${r.name}=${r.setting}`).join(', ');
}
