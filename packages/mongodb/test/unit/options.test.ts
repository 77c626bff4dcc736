// mongodb(options): every bad option is a ConfigError naming its field, with a fix; nothing reaches a server.
import { ErrorCode, isMqkitError } from '@mqkit/core';
import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { mongodb } from '../../src/index.js';
import { resolveMongoOptions } from '../../src/mongodb-options.js';

// A real driver client that never connects (the driver connects lazily, on the first operation).
const client = new MongoClient('mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=10');
const db = client.db('app');

describe('configuration', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['no db and no client', {}, 'mongodb.db'],
    ['a db that is not a Db', { db: { find: () => undefined } }, 'mongodb.db'],
    ['db together with client', { db, client }, 'mongodb.db'],
    ['a client that is not a MongoClient', { client: {}, database: 'app' }, 'mongodb.client'],
    ['a client without a database name', { client }, 'mongodb.database'],
    ['a database name with a dot', { client, database: 'a.b' }, 'mongodb.database'],
    ['an unknown option', { db, pollInterval: 5 }, 'mongodb.pollInterval'],
    ['a collection name with $', { db, collections: { messages: 'jobs$' } }, 'mongodb.collections.messages'],
    ['a collection in the system namespace', { db, collections: { deadLetters: 'system.dead' } }, 'mongodb.collections.deadLetters'],
    ['one collection for both', { db, collections: { messages: 'q', deadLetters: 'q' } }, 'mongodb.collections.deadLetters'],
    ['an unknown collection key', { db, collections: { dedupe: 'x' } }, 'mongodb.collections.dedupe'],
    ['a bad indexes mode', { db, indexes: 'create' }, 'mongodb.indexes'],
    ['a bad wake-up mode', { db, wakeUp: 'notify' }, 'mongodb.wakeUp'],
    ['a poll interval of 0', { db, pollIntervalMs: 0 }, 'mongodb.pollIntervalMs'],
    ['a first poll longer than the backstop', { db, pollIntervalMs: 100, minPollIntervalMs: 500 }, 'mongodb.minPollIntervalMs'],
    ['a negative dedupe window', { db, dedupeWindowMs: -1 }, 'mongodb.dedupeWindowMs'],
    ['a dead-letter retention of 0', { db, deadLetterRetentionMs: 0 }, 'mongodb.deadLetterRetentionMs'],
    ['an invalid declared queue', { db, queues: ['ok', 'not ok'] }, 'mongodb.queues[1]'],
    ['an empty queue list', { db, queues: [] }, 'mongodb.queues'],
    ['an operation timeout of 1 ms', { db, operationTimeoutMs: 1 }, 'mongodb.operationTimeoutMs'],
  ])('%s is a ConfigError naming its field, with a fix', (_what, options, name) => {
    let error: unknown;
    try {
      mongodb(options);
    } catch (e) {
      error = e;
    }
    expect(isMqkitError(error, ErrorCode.Config), String(error)).toBe(true);
    expect((error as { field?: unknown }).field).toBe(name);
    expect((error as Error).message).toMatch(/Fix: /);
  });

  it('defaults: collections mqkit_messages and mqkit_dead_letters, indexes ensured, wake-up auto, 1 s backstop, 25 ms first poll, no dedupe window, dead letters kept', () => {
    const o = resolveMongoOptions({ db });
    expect(o.collections).toEqual({ messages: 'mqkit_messages', deadLetters: 'mqkit_dead_letters' });
    expect([o.indexes, o.wakeUp, o.pollIntervalMs, o.minPollIntervalMs, o.dedupeWindowMs, o.deadLetterRetentionMs, o.sweepIntervalMs, o.operationTimeoutMs]).toEqual(['ensure', 'auto', 1_000, 25, 0, undefined, 60_000, 30_000]);
  });

  it('client and database give the Db of that name', () => {
    expect(resolveMongoOptions({ client, database: 'orders' }).db.databaseName).toBe('orders');
  });

  it('a small backstop lowers the default first poll with it', () => {
    expect(resolveMongoOptions({ db, pollIntervalMs: 10 }).minPollIntervalMs).toBe(10);
  });

  it('declares every capability but backpressure, with the reason', () => {
    const provider = mongodb({ db });
    expect(Object.entries(provider.capabilities).filter(([, v]) => !v).map(([k]) => k)).toEqual(['backpressure']);
    expect(provider.capabilityNotes.backpressure).toMatch(/no capacity/);
  });
});
