import { SchemaError } from '@mqkit/core';

/** Server error codes the provider tells apart. */
export const Codes = {
  DuplicateKey: 11000,
  NamespaceNotFound: 26,
  /** `$changeStream` on a standalone server. */
  ChangeStreamNotSupported: 40573,
  /** The resume token is no longer in the oplog. */
  ChangeStreamHistoryLost: 286,
  /** A transaction on a standalone server. */
  IllegalOperation: 20,
  /** A `hint` naming an index that does not exist. */
  BadValue: 2,
} as const;

export function codeOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/**
 * What a failed operation becomes for core. The claim and the key-head query name their index
 * (`hint`): when it is missing (the collection was dropped and recreated by an insert, or the
 * indexes were never made) the server refuses the hint, and that is a SchemaError — not retryable,
 * so a consumer stops with reason 'error' and says how to fix it, instead of claiming without the
 * unique indexes that dedupe and ids rely on. Everything else passes through (core retries it).
 */
export function classify(error: unknown, what: string): unknown {
  const code = codeOf(error);
  const message = error instanceof Error ? error.message : '';
  if ((code === Codes.BadValue || code === 291) && /hint/i.test(message)) {
    return new SchemaError(
      `${what} failed: an index mqkit needs is missing (${message})`,
      "open the provider with indexes: 'ensure' (the default), or run once: await ensureIndexes(db) from '@mqkit/mongodb'",
      { source: 'mongodb', cause: error },
    );
  }
  return error;
}
