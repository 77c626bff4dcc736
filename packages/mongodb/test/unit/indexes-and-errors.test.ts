// The indexes the provider needs, the hints that rely on them, and how driver errors are classified.
import { ErrorCode, isMqkitError } from '@mqkit/core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lagMs, statsFilters } from '../../src/commands/stats.js';
import { expiredDeadLetters, expiredTombstones, freeTombstoneFilter } from '../../src/commands/sweep.js';
import { classify } from '../../src/errors.js';
import { INDEXES, missingIndexesError } from '../../src/indexes.js';
import { DEFAULT_COLLECTIONS } from '../../src/mongodb-options.js';

const src = join(import.meta.dirname, '../../src');

describe('indexes', () => {
  it('every index a query names in a hint is one ensureIndexes creates', () => {
    const files = ['mongodb-receiver.ts', 'mongodb-provider.ts', 'mongodb-dead-letters.ts'].map((f) => readFileSync(join(src, f), 'utf8')).join('\n');
    const hinted = new Set([...files.matchAll(/hint: '([a-z_]+)'/g)].map((m) => m[1]));
    expect(hinted.size).toBeGreaterThan(0);
    for (const name of hinted) expect(INDEXES.map((i) => i.name)).toContain(name);
  });

  it('the unique indexes are partial on string fields, so tombstones (no id) and messages without a key never collide', () => {
    const byName = new Map(INDEXES.map((i) => [i.name, i]));
    expect(byName.get('mqkit_id')!.options).toEqual({ unique: true, partialFilterExpression: { id: { $type: 'string' } } });
    expect(byName.get('mqkit_dedupe')!.options).toEqual({ unique: true, partialFilterExpression: { dk: { $type: 'string' } } });
    expect(byName.get('mqkit_tombstone_ttl')!.options).toEqual({ expireAfterSeconds: 0 });
    expect(byName.get('mqkit_dead_ttl')!.options).toEqual({ expireAfterSeconds: 0 });
  });

  it("indexes: 'check' refuses with a SchemaError listing what is missing and the fix", () => {
    const error = missingIndexesError(INDEXES.slice(0, 2), DEFAULT_COLLECTIONS);
    expect(isMqkitError(error, ErrorCode.Schema)).toBe(true);
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/mqkit_messages\.mqkit_claim .*mqkit_messages\.mqkit_id/);
    expect(error.message).toMatch(/ensureIndexes\(db\)/);
  });
});

describe('errors', () => {
  it("a hint the server refuses (the index is gone) is a SchemaError, not retryable: a consumer stops and says how to fix it", () => {
    const refused = Object.assign(new Error('error processing query: planner returned error :: caused by :: hint provided does not correspond to an existing index'), { code: 2 });
    const error = classify(refused, 'claiming messages');
    expect(isMqkitError(error, ErrorCode.Schema)).toBe(true);
    expect((error as Error).message).toMatch(/ensureIndexes/);
  });

  it('other errors pass through unchanged (core retries them)', () => {
    const network = Object.assign(new Error('connection reset'), { code: 6 });
    expect(classify(network, 'claiming messages')).toBe(network);
  });
});

describe('stats and the sweep', () => {
  it('ready, delayed and in flight are ranges of the claim index by the clock estimate', () => {
    const now = new Date(10);
    expect(statsFilters('jobs', now)).toEqual({
      ready: { q: 'jobs', visibleAt: { $lte: now } },
      delayed: { q: 'jobs', visibleAt: { $gt: now }, token: null },
      inFlight: { q: 'jobs', visibleAt: { $gt: now }, token: { $ne: null } },
    });
  });

  it('lag is how long the first ready message has been due; 0 when nothing is ready', () => {
    expect(lagMs({ dueAt: new Date(400), visibleAt: new Date(600) }, 1_000)).toBe(600);
    expect(lagMs(null, 1_000)).toBe(0);
  });

  it('the sweep deletes by the server clock, only what is past its time', () => {
    expect(JSON.stringify(expiredTombstones())).toContain('"$heldUntil"');
    expect(expiredTombstones()).toMatchObject({ tomb: true });
    expect(expiredDeadLetters()).toMatchObject({ expireAt: { $exists: true } });
    expect(freeTombstoneFilter('jobs', ['k'])).toMatchObject({ q: 'jobs', dk: { $in: ['k'] }, tomb: true });
  });
});
