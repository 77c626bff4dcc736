import { ConfigError, optionalInt, optionalNumber, optionalOneOf, rejectUnknownKeys, requireObject, resolveDeclaredQueues } from '@mqkit/core';
import type { Db, MongoClient } from 'mongodb';

/** Where mqkit keeps its documents: two collections of the database. */
export interface CollectionNames {
  /** Waiting, leased and backing-off messages (and dedupe tombstones). Default `mqkit_messages`. */
  readonly messages?: string;
  /** Dead letters. Default `mqkit_dead_letters`. */
  readonly deadLetters?: string;
}

/** How idle consumers learn of new messages. */
export type WakeUpMode = 'auto' | 'changeStream' | 'poll';

export interface MongoOptions {
  /** Your database handle (`client.db(name)`). Give this, or `client` and `database`. */
  readonly db?: Db;
  /** Your MongoClient, with `database`. The provider never connects or closes it. */
  readonly client?: MongoClient;
  /** The database name, with `client`. */
  readonly database?: string;
  /** Collection names. */
  readonly collections?: CollectionNames;
  /**
   * `'ensure'` (default): at open, create the indexes the claim path, dedupe and retention need
   * (idempotent: an index already there is left alone). `'check'`: create nothing; refuse to open
   * (`SchemaError` naming what is missing) unless every index is there — for deployments where
   * indexes are someone else's job (`ensureIndexes()` or the list in the docs).
   */
  readonly indexes?: 'ensure' | 'check';
  /**
   * `'auto'` (default): a change stream on a replica set or sharded cluster, polling on a
   * standalone server. `'changeStream'`: a change stream or refuse to open (`ConfigError` on a
   * standalone). `'poll'`: never a change stream.
   */
  readonly wakeUp?: WakeUpMode;
  /** The longest an idle consumer waits before it looks again (the backstop). Default 1000. */
  readonly pollIntervalMs?: number;
  /** Polling only: an idle consumer's first wait, doubled after each empty look up to `pollIntervalMs`. Default 25. */
  readonly minPollIntervalMs?: number;
  /** Keep a dedupe key this long after its message settled. Default 0: only while it is queued or in flight. */
  readonly dedupeWindowMs?: number;
  /** Delete dead letters this long after they were written (TTL index, and the sweep). Default: keep them. */
  readonly deadLetterRetentionMs?: number;
  /** How often the sweep deletes dedupe tombstones and dead letters past their time (TTL indexes do it too, within about a minute). Default 60000. */
  readonly sweepIntervalMs?: number;
  /** Declared queue names: any other name throws UnknownQueueError. Default: any name. */
  readonly queues?: readonly string[];
  /** An operation that does not answer within this fails (retryable). Default 30000. */
  readonly operationTimeoutMs?: number;
}

export interface ResolvedCollections {
  readonly messages: string;
  readonly deadLetters: string;
}

export interface ResolvedMongoOptions {
  readonly db: Db;
  readonly collections: ResolvedCollections;
  readonly indexes: 'ensure' | 'check';
  readonly wakeUp: WakeUpMode;
  readonly pollIntervalMs: number;
  readonly minPollIntervalMs: number;
  readonly dedupeWindowMs: number;
  readonly deadLetterRetentionMs: number | undefined;
  readonly sweepIntervalMs: number;
  readonly queues: ReadonlySet<string> | undefined;
  readonly operationTimeoutMs: number;
}

export const DEFAULT_COLLECTIONS: ResolvedCollections = Object.freeze({ messages: 'mqkit_messages', deadLetters: 'mqkit_dead_letters' });

const KEYS = ['db', 'client', 'database', 'collections', 'indexes', 'wakeUp', 'pollIntervalMs', 'minPollIntervalMs', 'dedupeWindowMs', 'deadLetterRetentionMs', 'sweepIntervalMs', 'queues', 'operationTimeoutMs'];
const source = { source: 'mongodb' } as const;

export function resolveMongoOptions(input: unknown): ResolvedMongoOptions {
  const o = requireObject(input, 'mongodb options', 'call mongodb({ db: client.db("app") })');
  rejectUnknownKeys(o, 'mongodb', KEYS);
  const pollIntervalMs = optionalInt(o.pollIntervalMs, 'mongodb.pollIntervalMs', 5, 1_000, 3_600_000);
  const minPollIntervalMs = optionalInt(o.minPollIntervalMs, 'mongodb.minPollIntervalMs', 1, Math.min(25, pollIntervalMs), 3_600_000);
  if (minPollIntervalMs > pollIntervalMs) {
    throw new ConfigError('mongodb.minPollIntervalMs', `is ${minPollIntervalMs}, above pollIntervalMs (${pollIntervalMs})`, 'make minPollIntervalMs at most pollIntervalMs', source);
  }
  return {
    db: resolveDb(o),
    collections: resolveCollections(o.collections),
    indexes: optionalOneOf(o.indexes, 'mongodb.indexes', ['ensure', 'check'], 'ensure'),
    wakeUp: optionalOneOf<WakeUpMode>(o.wakeUp, 'mongodb.wakeUp', ['auto', 'changeStream', 'poll'], 'auto'),
    pollIntervalMs,
    minPollIntervalMs,
    dedupeWindowMs: optionalNumber(o.dedupeWindowMs, 'mongodb.dedupeWindowMs', 0, 0),
    deadLetterRetentionMs: o.deadLetterRetentionMs === undefined ? undefined : optionalNumber(o.deadLetterRetentionMs, 'mongodb.deadLetterRetentionMs', 1, 0),
    sweepIntervalMs: optionalInt(o.sweepIntervalMs, 'mongodb.sweepIntervalMs', 10, 60_000, 2 ** 31 - 1),
    queues: resolveDeclaredQueues(o.queues, 'mongodb'),
    operationTimeoutMs: optionalInt(o.operationTimeoutMs, 'mongodb.operationTimeoutMs', 10, 30_000, 2 ** 31 - 1),
  };
}

/** A `Db` from `db`, or from `client` + `database`; never both. Checked by shape (the app and mqkit may load different copies of the driver). */
function resolveDb(o: Record<string, unknown>): Db {
  if (o.db !== undefined) {
    if (o.client !== undefined || o.database !== undefined) {
      throw new ConfigError('mongodb.db', 'was given together with client/database', 'pass either db: client.db(name), or client and database — not both', source);
    }
    if (!isDbLike(o.db)) {
      throw new ConfigError('mongodb.db', 'is not a mongodb Db (it has no collection(), command() and databaseName)', 'pass db: client.db("app") from the official mongodb driver', source);
    }
    return o.db;
  }
  if (o.client === undefined) {
    throw new ConfigError('mongodb.db', 'is missing (and so is client)', 'pass db: client.db("app"), or client and database', source);
  }
  const client = o.client as MongoClient | null;
  if (typeof client !== 'object' || client === null || typeof (client as { db?: unknown }).db !== 'function') {
    throw new ConfigError('mongodb.client', 'is not a MongoClient (it has no db())', 'pass the MongoClient of the official mongodb driver', source);
  }
  if (typeof o.database !== 'string' || !DATABASE_NAME.test(o.database)) {
    throw new ConfigError('mongodb.database', `${JSON.stringify(o.database)} is not a database name`, 'pass database: "app" (1–63 characters, none of /\\. "$*<>:|? or NUL)', source);
  }
  const db = client.db(o.database);
  if (!isDbLike(db)) throw new ConfigError('mongodb.client', 'gave no Db from client.db()', 'pass the MongoClient of the official mongodb driver', source);
  return db;
}

function isDbLike(value: unknown): value is Db {
  const db = value as Partial<Record<string, unknown>> | null;
  return typeof db === 'object' && db !== null && typeof db.collection === 'function' && typeof db.command === 'function' && typeof db.databaseName === 'string';
}

const DATABASE_NAME = /^[^/\\. "$*<>:|?\0]{1,63}$/;
/** A collection name: no `$`, no NUL, not in the reserved `system.` namespace, at most 200 characters. */
const COLLECTION_NAME = /^(?!system\.)[^$\0]{1,200}$/;

function resolveCollections(value: unknown): ResolvedCollections {
  if (value === undefined) return DEFAULT_COLLECTIONS;
  const o = requireObject(value, 'mongodb.collections', 'pass collections: { messages: "jobs", deadLetters: "jobs_dead" } or leave it out');
  rejectUnknownKeys(o, 'mongodb.collections', ['messages', 'deadLetters']);
  const names = {
    messages: collectionName(o.messages, 'messages'),
    deadLetters: collectionName(o.deadLetters, 'deadLetters'),
  };
  if (names.messages === names.deadLetters) {
    throw new ConfigError('mongodb.collections.deadLetters', `is the same collection as messages ("${names.messages}")`, 'give dead letters a collection of their own', source);
  }
  return names;
}

function collectionName(value: unknown, key: keyof ResolvedCollections): string {
  if (value === undefined) return DEFAULT_COLLECTIONS[key];
  if (typeof value !== 'string' || !COLLECTION_NAME.test(value)) {
    throw new ConfigError(`mongodb.collections.${key}`, `${JSON.stringify(value)} is not a collection name`, 'use 1–200 characters without "$" or NUL, not starting with "system."', source);
  }
  return value;
}
