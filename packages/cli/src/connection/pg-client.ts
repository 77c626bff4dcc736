import type { PrismaLike, PrismaQueries } from '@mqkit/prisma';
import { CliError, ExitCode } from '../exit-codes.js';

interface PgQueryable {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
}
interface PgPoolClient extends PgQueryable {
  release(): void;
}
interface PgPool extends PgQueryable {
  connect(): Promise<PgPoolClient>;
  end(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): unknown;
}
interface PgModule {
  Pool: new (config: Record<string, unknown>) => PgPool;
  types: { builtins: Record<string, number> };
}

const INT8 = 20;

function queries(db: PgQueryable): PrismaQueries {
  return {
    async $queryRawUnsafe<T>(query: string, ...values: unknown[]): Promise<T> {
      return (await db.query(query, values)).rows as T;
    },
    async $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number> {
      return (await db.query(query, values)).rowCount ?? 0;
    },
  };
}

/**
 * `--postgres-url` without a generated PrismaClient: what `@mqkit/prisma` needs of a client
 * (`PrismaLike`: raw queries and interactive transactions) on a small `pg` pool. Values come back
 * as Prisma returns them from raw queries where it matters (int8 as bigint). Checked with one
 * `SELECT 1`, so an unreachable server fails here, with exit code 3.
 */
export async function pgPrismaClient(url: string): Promise<{ readonly client: PrismaLike; readonly close: () => Promise<void> }> {
  let pg: PgModule;
  try {
    const mod = (await import('pg')) as unknown as { default?: PgModule } & PgModule;
    pg = mod.default ?? mod;
  } catch (error) {
    throw new CliError(ExitCode.Usage, '--postgres-url needs the pg package, which is not installed: npm install pg (or pass --config with your own PrismaClient)', { cause: error });
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: 4,
    connectionTimeoutMillis: 5_000,
    types: { getTypeParser: (oid: number, format: string) => (oid === INT8 ? (v: string) => BigInt(v) : defaultParser(pg, oid, format)) },
  });
  pool.on('error', () => undefined);
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new CliError(ExitCode.Connection, `cannot reach Postgres at ${redact(url)}: ${error instanceof Error ? error.message : String(error)}; check --postgres-url / DATABASE_URL and that the server runs`, { cause: error });
  }
  const client: PrismaLike = {
    ...queries(pool),
    async $transaction<R>(fn: (tx: PrismaQueries) => Promise<R>): Promise<R> {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        const result = await fn(queries(c));
        await c.query('COMMIT');
        return result;
      } catch (error) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        c.release();
      }
    },
  };
  return { client, close: () => pool.end() };
}

function defaultParser(pg: PgModule, oid: number, format: string): (v: string) => unknown {
  const types = pg.types as unknown as { getTypeParser(oid: number, format?: string): (v: string) => unknown };
  return types.getTypeParser(oid, format);
}

/** A connection string with its password hidden. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
