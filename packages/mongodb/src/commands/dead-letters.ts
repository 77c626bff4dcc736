/*
 * The dead-letter store as documents: pages in `_id` order (the server's ObjectId, made at the
 * upsert that wrote the letter), the cursor being the last `_id` of a page as hex; a replay puts
 * each letter back as a new message (attempt 0, due now, no expiry, its own maxAttempts); a letter
 * past its retention (`expireAt`) is never listed, counted or replayed, even before the TTL
 * monitor deletes it.
 */
import { ValidationError } from '@mqkit/core';
import { ObjectId, type Filter } from 'mongodb';
import type { DeadLetterDoc, MessageDoc } from '../documents.js';

/** A cursor of this store (an ObjectId as 24 hex digits), else a ValidationError naming `deadLetters.list.cursor`. */
export function parseCursor(cursor: string | undefined): ObjectId | undefined {
  if (cursor === undefined) return undefined;
  if (!/^[0-9a-f]{24}$/.test(cursor)) {
    throw new ValidationError('deadLetters.list.cursor', `"${cursor}" is not a cursor of this store`, 'pass the `next` of a previous page, or leave it out for the first page', { source: 'mongodb' });
  }
  return new ObjectId(cursor);
}

/** Live (not past their retention) dead letters of `q`, optionally only `ids`, after `after`. */
export function deadLetterFilter(q: string, estimatedNow: Date, ids?: readonly string[], after?: ObjectId): Filter<DeadLetterDoc> {
  return {
    q,
    ...(ids !== undefined ? { id: { $in: [...ids] } } : {}),
    ...(after !== undefined ? { _id: { $gt: after } } : {}),
    $or: [{ expireAt: { $exists: false } }, { expireAt: { $gt: estimatedNow } }],
  };
}

/** A dead letter back in the queue as a new message. `holdKey`: it holds its dedupe key again (false when a newer message holds it). */
export function replayedDoc(letter: DeadLetterDoc, estimatedNow: number, runAt: number, holdKey: boolean): MessageDoc {
  const now = new Date(estimatedNow);
  return {
    _id: new ObjectId(),
    q: letter.q,
    id: letter.id,
    type: letter.type,
    payload: letter.payload,
    headers: letter.headers,
    createdAt: letter.createdAt,
    runAt,
    expiresAtMs: null,
    dueAt: now,
    visibleAt: now,
    expiresAt: null,
    attempt: 0,
    maxAttempts: letter.maxAttempts,
    ...(letter.key !== undefined ? { key: letter.key } : {}),
    ...(letter.dedupeKey !== undefined ? { dedupeKey: letter.dedupeKey, ...(holdKey ? { dk: letter.dedupeKey } : {}) } : {}),
    explicitId: letter.explicitId,
    lastError: null,
    token: null,
    owner: null,
  };
}
