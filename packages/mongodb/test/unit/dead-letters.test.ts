// Dead letters as documents: the move in repeatable steps, pages, replays (commands/dead-letter-move.ts, dead-letters.ts).
import { ErrorCode, isMqkitError } from '@mqkit/core';
import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { deadLetterFields, deadLetterUpsert, markedFilter, removal, takeOverUpdate } from '../../src/commands/dead-letter-move.js';
import { deadLetterFilter, parseCursor, replayedDoc } from '../../src/commands/dead-letters.js';
import { storedDoc } from './fixtures.js';

const dead = { reason: 'permanent', error: { name: 'E', message: 'no' } };

describe('the move to the dead letters', () => {
  it('a dead letter is upserted by queue and id with $setOnInsert: a second run writes nothing', () => {
    const doc = storedDoc({ id: 'a', attempt: 2, dead });
    const op = deadLetterUpsert(doc, new Date(9), undefined) as { updateOne: { filter: unknown; update: { $setOnInsert: Record<string, unknown> }; upsert: boolean } };
    expect(op.updateOne.filter).toEqual({ q: 'jobs', id: 'a' });
    expect(op.updateOne.upsert).toBe(true);
    expect(op.updateOne.update.$setOnInsert).toMatchObject({ reason: 'permanent', error: dead.error, attempt: 2, deadLetteredAt: new Date(9) });
    expect(Object.keys(op.updateOne.update.$setOnInsert)).not.toContain('_id');
  });

  it('with a retention the letter carries the expireAt the TTL index deletes it at', () => {
    expect(deadLetterFields(storedDoc({ dead }), new Date(1_000), 500).expireAt).toEqual(new Date(1_500));
    expect('expireAt' in deadLetterFields(storedDoc({ dead }), new Date(1_000), undefined)).toBe(false);
  });

  it('the removal is fenced by the token; a message holding a dedupe key leaves its tombstone when there is a window', () => {
    const doc = storedDoc({ dk: 'k', dead });
    expect(removal(doc, 'T', 0)).toEqual({ deleteOne: { filter: { _id: doc._id, token: 'T' } } });
    expect(removal(doc, 'T', 100)).toMatchObject({ updateOne: { filter: { _id: doc._id, token: 'T' } } });
  });

  it('steps 2 and 3 work only on what is marked and held by the token', () => {
    const id = new ObjectId();
    expect(markedFilter([id], 'T')).toEqual({ _id: { $in: [id] }, token: 'T', dead: { $exists: true } });
  });

  it('taking a poison pill over marks it in the same write that takes it', () => {
    const [stage] = takeOverUpdate('P', 'me', 1_000, dead) as [{ $set: Record<string, unknown> }];
    expect(stage.$set).toMatchObject({ token: { $literal: 'P' }, dead: { $literal: dead }, visibleAt: { $add: ['$$NOW', 1_000] } });
    const [plain] = takeOverUpdate('P', 'me', 1_000, undefined) as [{ $set: Record<string, unknown> }];
    expect('dead' in plain.$set).toBe(false);
  });
});

describe('pages and replays', () => {
  it('a cursor is an ObjectId in hex; anything else is a ValidationError naming deadLetters.list.cursor', () => {
    const id = new ObjectId();
    expect(parseCursor(id.toHexString())?.equals(id)).toBe(true);
    expect(parseCursor(undefined)).toBeUndefined();
    for (const bad of ['12', 'zz'.repeat(12), `${id.toHexString()}0`]) {
      let error: unknown;
      try {
        parseCursor(bad);
      } catch (e) {
        error = e;
      }
      expect(isMqkitError(error, ErrorCode.Validation)).toBe(true);
      expect((error as { field?: unknown }).field).toBe('deadLetters.list.cursor');
    }
  });

  it('a letter past its retention is never listed (even before the TTL monitor deletes it)', () => {
    const now = new Date(5);
    expect(deadLetterFilter('jobs', now)).toEqual({ q: 'jobs', $or: [{ expireAt: { $exists: false } }, { expireAt: { $gt: now } }] });
    const after = new ObjectId();
    expect(deadLetterFilter('jobs', now, ['a'], after)).toMatchObject({ id: { $in: ['a'] }, _id: { $gt: after } });
  });

  it('a replayed letter is a new message: attempt 0, due now, no expiry, its own maxAttempts, its key held again unless told not to', () => {
    const letter = { ...deadLetterFields(storedDoc({ id: 'a', maxAttempts: 4, dedupeKey: 'k', expiresAtMs: 9, expiresAt: new Date(9), attempt: 3, dead }), new Date(1), undefined), _id: new ObjectId() };
    const doc = replayedDoc(letter, 7_000, 123, true);
    expect([doc.id, doc.attempt, doc.maxAttempts, doc.expiresAt, doc.expiresAtMs, doc.runAt, doc.dk, doc.dedupeKey]).toEqual(['a', 0, 4, null, null, 123, 'k', 'k']);
    expect(doc.visibleAt).toEqual(new Date(7_000));
    expect('dk' in replayedDoc(letter, 7_000, 123, false)).toBe(false);
  });
});
