import { ConfigError } from '@mqkit/core';

/**
 * What the provider needs of a PrismaClient: raw queries, and interactive transactions for its
 * migrations. Your `PrismaClient` (Prisma 5, 6 or 7, any adapter that reaches Postgres) fits, and
 * so does a transaction client `tx` of `$transaction(async (tx) => …)` for the queries alone.
 */
export interface PrismaQueries {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

export interface PrismaLike extends PrismaQueries {
  $transaction<R>(fn: (tx: PrismaQueries) => Promise<R>, options?: { maxWait?: number; timeout?: number }): Promise<R>;
}

/** `value` is usable as a client (for `prisma({ client })`) or, with `transactionOnly`, as a transaction (`publish(…, { transaction })`). */
export function assertPrismaClient(value: unknown, field: string, transactionOnly = false): asserts value is PrismaLike {
  const client = value as Partial<Record<string, unknown>> | null;
  const missing = ['$queryRawUnsafe', '$executeRawUnsafe', ...(transactionOnly ? [] : ['$transaction'])].filter((m) => typeof client?.[m] !== 'function');
  if (typeof value !== 'object' || value === null || missing.length > 0) {
    throw new ConfigError(
      field,
      `is not a PrismaClient${transactionOnly ? ' transaction' : ''} (it has no ${missing.join(', ') || 'methods'})`,
      transactionOnly ? 'pass the `tx` your prisma.$transaction(async (tx) => …) callback receives' : 'pass your PrismaClient: prisma({ client: new PrismaClient({ adapter }) })',
      { source: 'prisma' },
    );
  }
}
