// A publish as documents (commands/publish.ts): times, dedupe holders inside a batch, the kinds of
// write errors an unordered insert reports, what BSON cannot store.
import { ErrorCode, isMqkitError } from '@mqkit/core';
import { describe, expect, it } from 'vitest';
import { checkHeaders, messageDoc, planPublish, storedError, writeErrorKind, writeErrorsOf } from '../../src/commands/publish.js';
import { newMessage } from './fixtures.js';

describe('planPublish', () => {
  it("due time and expiry by the server clock estimate plus the message's delay and ttl; the publisher's times kept as they are", () => {
    const doc = messageDoc('jobs', newMessage({ createdAt: 1_000, runAt: 1_400, expiresAt: 3_000 }), '{}', 50_000);
    expect(doc.dueAt).toEqual(new Date(50_400));
    expect(doc.visibleAt).toEqual(new Date(50_400));
    expect(doc.expiresAt).toEqual(new Date(52_000));
    expect([doc.createdAt, doc.runAt, doc.expiresAtMs]).toEqual([1_000, 1_400, 3_000]);
    expect([doc.attempt, doc.token, doc.lastError]).toEqual([0, null, null]);
  });

  it('no partition key, no dedupe key: the fields are absent (the partial indexes skip the document)', () => {
    const doc = messageDoc('jobs', newMessage(), '{}', 0);
    expect('key' in doc || 'dk' in doc || 'dedupeKey' in doc).toBe(false);
    const keyed = messageDoc('jobs', newMessage({ partitionKey: 'p', dedupeKey: 'd' }), '{}', 0);
    expect([keyed.key, keyed.dedupeKey, keyed.dk]).toEqual(['p', 'd', 'd']);
  });

  it('the first message of a dedupe key in the batch holds it; later ones of that key are left out as its duplicates', () => {
    const messages = [newMessage({ dedupeKey: 'k' }), newMessage(), newMessage({ dedupeKey: 'k' }), newMessage({ dedupeKey: 'j' })];
    const plan = planPublish('jobs', messages, messages.map(() => '{}'), 0);
    expect(plan.inputIndex).toEqual([0, 1, 3]);
    expect([...plan.sameBatchDuplicates]).toEqual([[2, 0]]);
  });

  it('documents get ObjectIds in publish order (the claim tiebreak)', () => {
    const messages = Array.from({ length: 50 }, () => newMessage());
    const plan = planPublish('jobs', messages, messages.map(() => '{}'), 0);
    const hex = plan.docs.map((d) => d._id.toHexString());
    expect([...hex].sort()).toEqual(hex);
  });
});

describe('write errors', () => {
  it('E11000 on mqkit_dedupe is a held key, on mqkit_id a live id — by the key pattern or the index named in the message', () => {
    expect(writeErrorKind({ index: 0, code: 11000, err: { keyPattern: { q: 1, dk: 1 } } })).toBe('dedupe');
    expect(writeErrorKind({ index: 0, code: 11000, err: { keyPattern: { q: 1, id: 1 } } })).toBe('id');
    expect(writeErrorKind({ index: 0, code: 11000, errmsg: 'E11000 duplicate key error collection: app.mqkit_messages index: mqkit_dedupe dup key: { q: "jobs", dk: "k" }' })).toBe('dedupe');
    expect(writeErrorKind({ index: 0, code: 11000, errmsg: 'E11000 duplicate key error collection: app.mqkit_messages index: mqkit_id dup key: { q: "jobs", id: "a" }' })).toBe('id');
  });

  it('anything else is not a duplicate: another unique index, another code', () => {
    expect(writeErrorKind({ index: 0, code: 11000, errmsg: 'E11000 … index: _id_ dup key: { _id: 1 }' })).toBe('other');
    expect(writeErrorKind({ index: 0, code: 121, errmsg: 'Document failed validation' })).toBe('other');
  });

  it('the driver gives one write error or an array; no writeErrors means it was no bulk error', () => {
    expect(writeErrorsOf({ writeErrors: { index: 2, code: 11000 } })).toEqual([{ index: 2, code: 11000 }]);
    expect(writeErrorsOf({ writeErrors: [{ index: 1, code: 11000 }] })).toHaveLength(1);
    expect(writeErrorsOf(new Error('network'))).toBeUndefined();
  });
});

describe('what MongoDB cannot store', () => {
  it.each(['a\u0000b', '$set', 'x.y'])('a header named %j is a ValidationError naming messages[i].headers', (name) => {
    let error: unknown;
    try {
      checkHeaders({ fine: '1', [name]: 'v' }, 3);
    } catch (e) {
      error = e;
    }
    expect(isMqkitError(error, ErrorCode.Validation)).toBe(true);
    expect((error as { field?: unknown }).field).toBe('messages[3].headers');
  });

  it('ordinary header names pass', () => {
    expect(() => checkHeaders({ 'x-trace-id': 'a', tenant$: 'b' }, 0)).not.toThrow();
  });

  it('a stored error has no undefined fields (BSON would keep them as null)', () => {
    expect(storedError({ name: 'E', message: 'm', code: undefined, stack: undefined })).toEqual({ name: 'E', message: 'm' });
    expect(storedError({ name: 'E', message: 'm', code: 'X', stack: 's' })).toEqual({ name: 'E', message: 'm', code: 'X', stack: 's' });
  });
});
