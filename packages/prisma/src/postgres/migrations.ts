import { SchemaError } from '@mqkit/core';
import type { PrismaLike, PrismaQueries } from '../prisma-like.js';
import v1 from '../sql/migrations/001_init.sql';
import { render } from './statements.js';
import { splitSql } from './split-sql.js';

/** The migrations, in order: numbered, append-only (a released one is never edited). */
export const MIGRATIONS: ReadonlyArray<{ readonly version: number; readonly sql: string }> = [{ version: 1, sql: v1 }];

/** The schema version this code reads and writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** The SQL of every migration for `schema`, in order (for users who apply it themselves: `psql -f`). */
export function migrationSql(schema = 'mqkit'): string {
  return MIGRATIONS.map((m) => `-- migration ${m.version}\n${render(m.sql, schema)}`).join('\n');
}

/** The schema's version, or 0 when it has none. */
async function currentVersion(db: PrismaQueries, schema: string): Promise<number> {
  const [row] = await db.$queryRawUnsafe<Array<{ exists: boolean }>>(`SELECT to_regclass($1) IS NOT NULL AS exists`, `${schema}.schema_version`);
  if (row?.exists !== true) return 0;
  const [version] = await db.$queryRawUnsafe<Array<{ version: number }>>(`SELECT version FROM ${schema}.schema_version`);
  return version?.version ?? 0;
}

function newer(schema: string, version: number): SchemaError {
  return new SchemaError(
    `schema "${schema}" is at version ${version}, newer than the ${SCHEMA_VERSION} this @mqkit/prisma knows`,
    'upgrade @mqkit/prisma in this application (a newer version migrated the database); never run an older one against it',
    { source: 'prisma' },
  );
}

/**
 * Brings `schema` to {@link SCHEMA_VERSION} in one transaction, under an advisory lock: several
 * processes may start at once, one migrates, the others wait and find it done. Refuses a schema
 * newer than this code. Returns the version it found.
 */
export async function migrate(client: PrismaLike, schema = 'mqkit'): Promise<number> {
  return client.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(hashtext($1))`, `mqkit:migrate:${schema}`);
      const found = await currentVersion(tx, schema);
      if (found > SCHEMA_VERSION) throw newer(schema, found);
      for (const m of MIGRATIONS) {
        if (m.version <= found) continue;
        for (const statement of splitSql(render(m.sql, schema))) await tx.$executeRawUnsafe(statement);
      }
      if (found < SCHEMA_VERSION) {
        await tx.$executeRawUnsafe(
          `INSERT INTO ${schema}.schema_version (singleton, version) VALUES (true, $1) ON CONFLICT (singleton) DO UPDATE SET version = EXCLUDED.version, applied_at = now()`,
          SCHEMA_VERSION,
        );
      }
      return found;
    },
    { maxWait: 30_000, timeout: 120_000 },
  );
}

/** For `migrate: 'check'`: the schema must be exactly at this version. */
export async function checkSchema(client: PrismaLike, schema: string): Promise<void> {
  const found = await currentVersion(client, schema);
  if (found === SCHEMA_VERSION) return;
  if (found > SCHEMA_VERSION) throw newer(schema, found);
  throw new SchemaError(
    found === 0 ? `schema "${schema}" has no mqkit tables` : `schema "${schema}" is at version ${found}, older than the ${SCHEMA_VERSION} this code needs`,
    `open the provider with migrate: 'auto' (the default), or run once: await migrate(prisma, '${schema}') from '@mqkit/prisma'`,
    { source: 'prisma' },
  );
}
