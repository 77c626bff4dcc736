// Builders of the values the pure parts take: core's NewMessage, a stored MessageDoc.
import type { NewMessage } from '@mqkit/core';
import { ObjectId } from 'mongodb';
import type { MessageDoc } from '../../src/documents.js';

export function newMessage(overrides: Partial<NewMessage> = {}): NewMessage {
  return {
    id: `m-${Math.random().toString(36).slice(2)}`,
    explicitId: false,
    queue: 'jobs',
    type: 'default',
    payload: { n: 1 },
    createdAt: 1_000,
    runAt: 1_000,
    expiresAt: undefined,
    maxAttempts: undefined,
    partitionKey: undefined,
    dedupeKey: undefined,
    headers: {},
    ...overrides,
  };
}

let seq = 0;
export function storedDoc(overrides: Partial<MessageDoc> = {}): MessageDoc {
  seq++;
  return {
    _id: new ObjectId(),
    q: 'jobs',
    id: `d-${seq}`,
    type: 'default',
    payload: '{"n":1}',
    headers: {},
    createdAt: 1_000,
    runAt: 1_000,
    expiresAtMs: null,
    dueAt: new Date(5_000),
    visibleAt: new Date(5_000),
    expiresAt: null,
    attempt: 0,
    maxAttempts: null,
    explicitId: false,
    lastError: null,
    token: null,
    owner: null,
    ...overrides,
  };
}
