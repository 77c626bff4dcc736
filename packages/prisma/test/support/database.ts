// The Postgres the tests use: DATABASE_URL, else the local server (127.0.0.1:5432, database test).
// Each world gets a schema of its own, dropped after it; each provider a PrismaClient of its own
// (a "process" with its own pool).
import { randomBytes } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/client.js';

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

/** Whether the database answers, and if not why: suites that need it register as skipped with this reason. */
export async function reachable(url = DATABASE_URL): Promise<{ readonly ok: true } | { readonly ok: false; readonly reason: string }> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `no Postgres at ${url.replace(/:[^:@/]*@/, ':***@')} (${error instanceof Error ? error.message : String(error)}); set DATABASE_URL` };
  } finally {
    await client.end().catch(() => undefined);
  }
}

let counter = 0;
const run = randomBytes(3).toString('hex');

/** A schema name no other test uses. */
export function uniqueSchema(prefix = 't'): string {
  return `mqkit_${prefix}_${run}_${process.pid.toString(36)}_${(++counter).toString(36)}`;
}

export function newClient(url = DATABASE_URL, poolSize = 5): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: poolSize }) });
}

/** Drops a test schema and everything in it. */
export async function dropSchema(schema: string, url = DATABASE_URL): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

/** Runs one query on a short-lived pg connection of its own (for inspecting the database in tests). */
export async function sql<T = Record<string, unknown>>(text: string, params: unknown[] = [], url = DATABASE_URL): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}
