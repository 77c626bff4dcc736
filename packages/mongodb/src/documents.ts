import type { Headers, SerializedError } from '@mqkit/core';
import type { ObjectId } from 'mongodb';

/** What a message and its dead letter store alike: the message as published. */
export interface PublishedFields {
  readonly q: string;
  readonly id: string;
  readonly type: string;
  /** The payload as JSON text (core's encoding): what every provider stores. */
  readonly payload: string;
  readonly headers: Headers;
  readonly createdAt: number;
  readonly runAt: number;
  readonly expiresAtMs: number | null;
  /** Deliveries so far (a dead letter: the deliveries it had). */
  readonly attempt: number;
  /** The publisher's maxAttempts; null: the consumer's retry policy decides. */
  readonly maxAttempts: number | null;
  /** The partition key; absent when none (the key index is partial). */
  readonly key?: string;
  /** The dedupe key as published (reported on delivery). */
  readonly dedupeKey?: string;
  readonly explicitId: boolean;
}

/**
 * A message in the messages collection: waiting, leased or backing off. Times named `…At` of type
 * `Date` are by the **server's** clock (what claims compare with `$$NOW`); the `number` times are
 * the publisher's epoch ms, reported on delivery and never compared with anything.
 */
export interface MessageDoc extends PublishedFields {
  /** Client-made ObjectId: publish order (the tiebreak after `visibleAt`). The id is unique per queue among live messages (index `mqkit_id`). */
  readonly _id: ObjectId;
  /** When it is due (publish time plus its delay, or its retry time): what ordering compares. */
  readonly dueAt: Date;
  /** When it may be claimed: `dueAt` while it waits, its lease's end while leased. */
  readonly visibleAt: Date;
  readonly expiresAt: Date | null;
  /** The dedupe key this document holds (unique per queue: index `mqkit_dedupe`); absent when it holds none. */
  readonly dk?: string;
  readonly lastError: SerializedError | null;
  /** The fencing token of the claim that holds it, or held it last (a lease that ran out unsettled leaves it: abandoned). */
  readonly token: string | null;
  readonly owner: string | null;
  /** The token of the last settlement applied to it (tells a settle which of its writes landed). */
  readonly settledBy?: string;
  /** A move to the dead letters in progress: whoever holds it next finishes the move. */
  readonly dead?: { readonly reason: string; readonly error: SerializedError };
}

/**
 * What is left of a message that held a dedupe key, for `dedupeWindowMs` after it settled: it
 * keeps the key (so the unique index refuses it) and names the id it was held for. No `id`,
 * `visibleAt` or `key`: no claim, id check or ordering sees it. TTL index `mqkit_tombstone_ttl`.
 */
export interface TombstoneDoc {
  readonly _id: ObjectId;
  readonly q: string;
  readonly dk: string;
  readonly holder: string;
  readonly heldUntil: Date;
  readonly tomb: true;
}

/** Either kind of document in the messages collection. */
export type StoredDoc = MessageDoc | TombstoneDoc;

/** A dead letter (its own collection). `_id` is made by the server at the upsert: the page order. */
export interface DeadLetterDoc extends PublishedFields {
  readonly _id: ObjectId;
  readonly reason: string;
  readonly error: SerializedError;
  readonly deadLetteredAt: Date;
  /** With `deadLetterRetentionMs`: when the TTL index (and the sweep) deletes it. */
  readonly expireAt?: Date;
}

export function isTombstone(doc: StoredDoc): doc is TombstoneDoc {
  return (doc as TombstoneDoc).tomb === true;
}
