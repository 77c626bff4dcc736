// Stored documents back into messages and dead letters (decode.ts).
import { ErrorCode, isMqkitError } from '@mqkit/core';
import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { toDeadLetter, toEventMessage, toMessage } from '../../src/decode.js';
import type { DeadLetterDoc } from '../../src/documents.js';
import { storedDoc } from './fixtures.js';

describe('decoding', () => {
  it("a document is a fresh Message: payload parsed from its JSON text, publisher's times, maxAttempts its own or the consumer's", () => {
    const doc = storedDoc({ id: 'a', payload: '{"to":"ada"}', createdAt: 1, runAt: 2, expiresAtMs: 3, attempt: 2, key: 'k', dedupeKey: 'd', headers: { h: 'v' } });
    expect(toMessage(doc, 5)).toEqual({ id: 'a', queue: 'jobs', type: 'default', payload: { to: 'ada' }, createdAt: 1, runAt: 2, expiresAt: 3, attempt: 2, maxAttempts: 5, partitionKey: 'k', dedupeKey: 'd', headers: { h: 'v' } });
    expect(toMessage(storedDoc({ maxAttempts: 9 }), 5).maxAttempts).toBe(9);
    const first = toMessage(doc, 5);
    expect(toMessage(doc, 5)).not.toBe(first);
  });

  it('a JSON null payload decodes to null, not to "nothing"', () => {
    expect(toMessage(storedDoc({ payload: 'null' }), 1).payload).toBeNull();
  });

  it('a payload that is not valid JSON is a DecodeError (the receiver dead-letters it as undecodable)', () => {
    let error: unknown;
    try {
      toMessage(storedDoc({ payload: '{"cut' }), 1);
    } catch (e) {
      error = e;
    }
    expect(isMqkitError(error, ErrorCode.Decode)).toBe(true);
  });

  it('for events an undecodable payload is passed as its stored text', () => {
    expect(toEventMessage(storedDoc({ payload: '{"cut' }), 1).payload).toBe('{"cut');
  });

  it('a dead letter keeps reason, error, deliveries and time; an unknown reason reads as explicit; null error fields are dropped', () => {
    const letter: DeadLetterDoc = {
      _id: new ObjectId(), q: 'jobs', id: 'a', type: 't', payload: '[1]', headers: {}, createdAt: 1, runAt: 1, expiresAtMs: null,
      attempt: 3, maxAttempts: null, explicitId: false, reason: 'poison-pill', error: { name: 'E', message: 'm', code: null as never }, deadLetteredAt: new Date(77),
    };
    const decoded = toDeadLetter(letter);
    expect([decoded.reason, decoded.deadLetteredAt, decoded.message.attempt, decoded.message.maxAttempts, decoded.message.payload]).toEqual(['poison-pill', 77, 3, 3, [1]]);
    expect(decoded.error).toEqual({ name: 'E', message: 'm' });
    expect(toDeadLetter({ ...letter, reason: 'weird' }).reason).toBe('explicit');
  });
});
