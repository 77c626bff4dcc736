import { SchemaError } from '@mqkit/core';
import type { CreateIndexesOptions, Db } from 'mongodb';
import { DEFAULT_COLLECTIONS, type CollectionNames, type ResolvedCollections } from './mongodb-options.js';

/** One index mqkit needs: which collection, its keys, its options (its `name` is what `check` looks for). */
export interface IndexSpec {
  readonly collection: keyof ResolvedCollections;
  readonly name: string;
  readonly key: Readonly<Record<string, 1 | -1>>;
  readonly options: Omit<CreateIndexesOptions, 'name'>;
  /** What it is for (docs, errors). */
  readonly why: string;
}

/**
 * Every index the provider needs, in the order `ensureIndexes` creates them. The docs list them
 * (docs/providers/mongodb.md#indexes) for users who manage indexes themselves.
 */
export const INDEXES: readonly IndexSpec[] = Object.freeze<IndexSpec[]>([
  {
    collection: 'messages',
    name: 'mqkit_claim',
    key: { q: 1, visibleAt: 1, _id: 1 },
    options: {},
    why: "the claim: a queue's claimable messages in claim order (visibleAt, then publish order); also stats and the next due time",
  },
  {
    collection: 'messages',
    name: 'mqkit_id',
    key: { q: 1, id: 1 },
    options: { unique: true, partialFilterExpression: { id: { $type: 'string' } } },
    why: 'one live message per id and queue (a publisher-given id the queue holds is refused)',
  },
  {
    collection: 'messages',
    name: 'mqkit_dedupe',
    key: { q: 1, dk: 1 },
    options: { unique: true, partialFilterExpression: { dk: { $type: 'string' } } },
    why: 'dedupe: one holder per dedupe key and queue (a second insert of a held key fails with E11000 and is reported as a duplicate)',
  },
  {
    collection: 'messages',
    name: 'mqkit_key',
    key: { q: 1, key: 1, attempt: -1, dueAt: 1, _id: 1 },
    options: { partialFilterExpression: { key: { $type: 'string' } } },
    why: "ordered consumers: each partition key's head (the message in delivery, else the first due)",
  },
  {
    collection: 'messages',
    name: 'mqkit_tombstone_ttl',
    key: { heldUntil: 1 },
    options: { expireAfterSeconds: 0 },
    why: "retention: the server deletes a dedupe key's tombstone once its window ended (within about a minute; the sweep is more punctual)",
  },
  {
    collection: 'deadLetters',
    name: 'mqkit_dead_id',
    key: { q: 1, id: 1 },
    options: { unique: true },
    why: 'one dead letter per id and queue (moving a message there is an idempotent upsert)',
  },
  {
    collection: 'deadLetters',
    name: 'mqkit_dead_page',
    key: { q: 1, _id: 1 },
    options: {},
    why: "deadLetters.list pages a queue's dead letters in the order they were written",
  },
  {
    collection: 'deadLetters',
    name: 'mqkit_dead_ttl',
    key: { expireAt: 1 },
    options: { expireAfterSeconds: 0 },
    why: 'retention (deadLetterRetentionMs): the server deletes a dead letter past its expireAt',
  },
]);

function names(collections: CollectionNames | undefined): ResolvedCollections {
  return { ...DEFAULT_COLLECTIONS, ...collections };
}

/**
 * Creates every index mqkit needs on `db` (idempotent: an index that is already there as
 * specified is left alone). An index of the same name with other keys or options is a
 * `SchemaError` naming it.
 */
export async function ensureIndexes(db: Db, collections?: CollectionNames): Promise<void> {
  const resolved = names(collections);
  for (const collection of ['messages', 'deadLetters'] as const) {
    const specs = INDEXES.filter((i) => i.collection === collection);
    try {
      await db.collection(resolved[collection]).createIndexes(specs.map((s) => ({ key: { ...s.key }, name: s.name, ...s.options })));
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === 85 || code === 86) {
        throw new SchemaError(
          `an index on ${resolved[collection]} has one of mqkit's names but other keys or options (${(error as Error).message})`,
          `drop it (db.${resolved[collection]}.dropIndex(name)) and open again, or give mqkit other collections`,
          { source: 'mongodb', cause: error },
        );
      }
      throw error;
    }
  }
}

/** The indexes of INDEXES that `db` lacks (by name), for `indexes: 'check'`. */
export async function missingIndexes(db: Db, collections?: CollectionNames): Promise<IndexSpec[]> {
  const resolved = names(collections);
  const missing: IndexSpec[] = [];
  for (const collection of ['messages', 'deadLetters'] as const) {
    const present = new Set((await listIndexNames(db, resolved[collection])));
    for (const spec of INDEXES) if (spec.collection === collection && !present.has(spec.name)) missing.push(spec);
  }
  return missing;
}

async function listIndexNames(db: Db, collection: string): Promise<string[]> {
  try {
    const indexes = await db.collection(collection).listIndexes().toArray();
    return indexes.map((i) => String((i as { name?: unknown }).name));
  } catch (error) {
    if ((error as { code?: unknown }).code === 26) return []; // NamespaceNotFound: no collection yet, so no index
    throw error;
  }
}

/** A SchemaError for `indexes: 'check'` naming what is missing and how to create it. */
export function missingIndexesError(missing: readonly IndexSpec[], collections: ResolvedCollections): SchemaError {
  const list = missing.map((m) => `${collections[m.collection]}.${m.name} ${JSON.stringify(m.key)}`).join(', ');
  return new SchemaError(
    `the indexes mqkit needs are missing: ${list}`,
    "run once: await ensureIndexes(db) from '@mqkit/mongodb' (or create them as docs/providers/mongodb.md#indexes lists), or open with indexes: 'ensure'",
    { source: 'mongodb' },
  );
}
