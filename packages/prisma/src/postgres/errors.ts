import { SchemaError } from '@mqkit/core';

/**
 * The SQLSTATE of a database error, wherever the client put it: a Prisma error from a raw query
 * (`P2010`, with the driver adapter's error in `meta`), a `pg` error (`code`), or the same nested
 * in `cause`. `undefined` for anything else (a connection that dropped, a timeout).
 */
export function sqlState(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e !== null && typeof e === 'object' && depth < 5; depth++) {
    const o = e as { code?: unknown; meta?: { driverAdapterError?: { cause?: { originalCode?: unknown; code?: unknown } }; code?: unknown }; cause?: unknown };
    const adapter = o.meta?.driverAdapterError?.cause;
    for (const c of [adapter?.originalCode, adapter?.code, o.meta?.code, o.code]) {
      if (typeof c === 'string' && /^[0-9A-Z]{5}$/.test(c)) return c;
    }
    e = o.cause;
  }
  return undefined;
}

/** SQLSTATEs that mean mqkit's tables are not there (or not as this code knows them). */
const SCHEMA_STATES = new Set(['42P01', '3F000', '42703', '42883']);

/**
 * What a failed query becomes for core: a missing schema is a SchemaError (not retryable: a
 * consumer stops and says why); everything else is passed on as it is (core retries it).
 */
export function classify(error: unknown, schema: string, what: string): unknown {
  const state = sqlState(error);
  if (state !== undefined && SCHEMA_STATES.has(state)) {
    return new SchemaError(
      `${what} failed: the tables of schema "${schema}" are missing or not as this code knows them (SQLSTATE ${state})`,
      `open the provider with migrate: 'auto' (the default), or run once: await migrate(prisma, '${schema}') from '@mqkit/prisma'`,
      { source: 'prisma', cause: error },
    );
  }
  return error;
}
