/*
 * Moving a message to the dead letters without a multi-document transaction, in three steps that
 * can each be repeated:
 *
 *   1. mark it (`dead: { reason, error }`), fenced by the holder's token (settle.ts markDeadUpdate,
 *      or takeOverUpdate below for a poison pill or an undecodable message found at receive);
 *   2. upsert its dead letter by `{ q, id }` with `$setOnInsert` (index mqkit_dead_id): a second
 *      run writes nothing;
 *   3. delete it from the messages, fenced by the same token (or turn it into its dedupe
 *      tombstone when it holds a key and dedupeWindowMs > 0).
 *
 * A mover that dies after 1 leaves a marked message that comes back into sight when its lease
 * ends; the next claim finds it marked and finishes 2 and 3. Nothing is lost and nothing is
 * dead-lettered twice.
 */
import type { AnyBulkWriteOperation, Document, Filter } from 'mongodb';
import type { SerializedError } from '@mqkit/core';
import type { DeadLetterDoc, MessageDoc } from '../documents.js';
import { literal, nowPlus } from './expressions.js';
import { tombstoneUpdate } from './settle.js';

/** Step 1 at receive: take a seen message over with `token` and mark it (reason and error). */
export function takeOverUpdate(token: string, owner: string, leaseMs: number, dead: { reason: string; error: SerializedError } | undefined): Document[] {
  return [{ $set: { token: literal(token), owner: literal(owner), visibleAt: nowPlus(leaseMs), ...(dead === undefined ? {} : { dead: literal(dead) }), settledBy: literal(token) } }];
}

/** Marked and held by `token`: what step 2 and 3 work on. */
export function markedFilter(ids: readonly MessageDoc['_id'][], token: string): Filter<MessageDoc> {
  return { _id: { $in: [...ids] }, token, dead: { $exists: true } };
}

/** The dead letter of a marked message (what step 2 writes once). */
export function deadLetterFields(doc: MessageDoc, deadLetteredAt: Date, retentionMs: number | undefined): Omit<DeadLetterDoc, '_id'> {
  const dead = doc.dead ?? { reason: 'explicit', error: { name: 'Error', message: 'dead-lettered' } };
  return {
    q: doc.q,
    id: doc.id,
    type: doc.type,
    payload: doc.payload,
    headers: doc.headers,
    createdAt: doc.createdAt,
    runAt: doc.runAt,
    expiresAtMs: doc.expiresAtMs,
    attempt: doc.attempt,
    maxAttempts: doc.maxAttempts,
    ...(doc.key !== undefined ? { key: doc.key } : {}),
    ...(doc.dedupeKey !== undefined ? { dedupeKey: doc.dedupeKey } : {}),
    explicitId: doc.explicitId,
    reason: dead.reason,
    error: dead.error,
    deadLetteredAt,
    ...(retentionMs !== undefined ? { expireAt: new Date(deadLetteredAt.getTime() + retentionMs) } : {}),
  };
}

/** Step 2 for one message: written once, whatever the number of runs. */
export function deadLetterUpsert(doc: MessageDoc, deadLetteredAt: Date, retentionMs: number | undefined): AnyBulkWriteOperation<DeadLetterDoc> {
  return { updateOne: { filter: { q: doc.q, id: doc.id }, update: { $setOnInsert: deadLetterFields(doc, deadLetteredAt, retentionMs) }, upsert: true } };
}

/** Step 3 for one message: gone from the messages, or left as its dedupe tombstone. */
export function removal(doc: MessageDoc, token: string, dedupeWindowMs: number): AnyBulkWriteOperation<MessageDoc> {
  const filter = { _id: doc._id, token };
  return doc.dk !== undefined && dedupeWindowMs > 0 ? { updateOne: { filter, update: tombstoneUpdate(dedupeWindowMs, token) } } : { deleteOne: { filter } };
}
