/*
 * A publish as documents for one unordered insertMany. Dedupe is the unique index mqkit_dedupe on
 * `{ q, dk }`: the first message of a key in the batch carries `dk` (the key it holds); a later one
 * of the same key in the batch is not inserted at all (a duplicate of the first). A held key makes
 * the insert of its document fail with E11000 on that index, reported in the bulk error's
 * writeErrors (with the document's index), while every other document of the batch is inserted
 * (`ordered: false`): one duplicate never aborts the rest.
 */
import { ValidationError, type Headers, type NewMessage, type SerializedError } from '@mqkit/core';
import { ObjectId } from 'mongodb';
import type { MessageDoc } from '../documents.js';

export interface PublishPlan {
  /** The documents to insert, in input order (duplicates inside the batch left out). */
  readonly docs: MessageDoc[];
  /** Input index of each document. */
  readonly inputIndex: number[];
  /** Input index → input index of the earlier message of its dedupe key in the same batch. */
  readonly sameBatchDuplicates: ReadonlyMap<number, number>;
}

/**
 * The documents of a batch. Times by the server's clock are `estimatedNow` (the provider's
 * estimate of the server's clock: an insert cannot evaluate `$$NOW`) plus the message's delay and
 * ttl as core resolved them; the publisher's own times are kept as they are, for delivery.
 */
export function planPublish(queue: string, messages: readonly NewMessage[], payloads: readonly string[], estimatedNow: number): PublishPlan {
  const docs: MessageDoc[] = [];
  const inputIndex: number[] = [];
  const sameBatchDuplicates = new Map<number, number>();
  const firstOfKey = new Map<string, number>();
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (m.dedupeKey !== undefined) {
      const first = firstOfKey.get(m.dedupeKey);
      if (first !== undefined) {
        sameBatchDuplicates.set(i, first);
        continue;
      }
      firstOfKey.set(m.dedupeKey, i);
    }
    docs.push(messageDoc(queue, m, payloads[i]!, estimatedNow));
    inputIndex.push(i);
  }
  return { docs, inputIndex, sameBatchDuplicates };
}

export function messageDoc(queue: string, m: NewMessage, payload: string, estimatedNow: number): MessageDoc {
  const due = new Date(estimatedNow + Math.max(0, m.runAt - m.createdAt));
  return {
    _id: new ObjectId(),
    q: queue,
    id: m.id,
    type: m.type,
    payload,
    headers: m.headers,
    createdAt: m.createdAt,
    runAt: m.runAt,
    expiresAtMs: m.expiresAt ?? null,
    dueAt: due,
    visibleAt: due,
    expiresAt: m.expiresAt === undefined ? null : new Date(estimatedNow + (m.expiresAt - m.createdAt)),
    attempt: 0,
    maxAttempts: m.maxAttempts ?? null,
    ...(m.partitionKey !== undefined ? { key: m.partitionKey } : {}),
    ...(m.dedupeKey !== undefined ? { dedupeKey: m.dedupeKey, dk: m.dedupeKey } : {}),
    explicitId: m.explicitId,
    lastError: null,
    token: null,
    owner: null,
  };
}

/** Which unique index a write error hit: `dedupe` (a held key), `id` (a live id), or `other` (not a duplicate key). */
export type WriteErrorKind = 'dedupe' | 'id' | 'other';

export interface WriteErrorLike {
  readonly index: number;
  readonly code: number;
  readonly errmsg?: string | undefined;
  readonly err?: { readonly keyPattern?: Record<string, unknown> } | undefined;
}

/**
 * The kind of a write error of an insert: E11000 (code 11000) on index mqkit_dedupe or mqkit_id.
 * The server names the index in the message ("… index: mqkit_dedupe dup key: …") and reports
 * the key pattern beside it; either is enough.
 */
export function writeErrorKind(error: WriteErrorLike): WriteErrorKind {
  if (error.code !== 11000) return 'other';
  const pattern = error.err?.keyPattern;
  if (pattern !== undefined && 'dk' in pattern) return 'dedupe';
  if (pattern !== undefined && 'id' in pattern) return 'id';
  const index = /index: (\S+)/.exec(error.errmsg ?? '')?.[1];
  if (index === 'mqkit_dedupe') return 'dedupe';
  if (index === 'mqkit_id') return 'id';
  return 'other';
}

/** The write errors of a failed insertMany/bulkWrite (the driver gives one or an array), or undefined if it is no bulk error. */
export function writeErrorsOf(error: unknown): WriteErrorLike[] | undefined {
  const list = (error as { writeErrors?: unknown } | null)?.writeErrors;
  if (list === undefined || list === null) return undefined;
  return (Array.isArray(list) ? list : [list]) as WriteErrorLike[];
}

/** Largest document MongoDB stores (16 MiB), less room for the fields mqkit adds later (tombstone, mark, dead letter). */
export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024 - 16 * 1024;

/**
 * Header names BSON or MongoDB cannot store as field names: a NUL byte ends a BSON name; a leading
 * `$` or a `.` is refused by updates (a dead letter is written by one). Refused at publish.
 */
export function checkHeaders(headers: Headers, index: number): void {
  for (const name of Object.keys(headers)) {
    if (name.includes('\u0000') || name.startsWith('$') || name.includes('.')) {
      throw new ValidationError(
        `messages[${index}].headers`,
        `header name ${JSON.stringify(name)} cannot be a MongoDB field name (no NUL, no leading "$", no ".")`,
        'rename the header (e.g. replace "." with "-")',
        { source: 'mongodb' },
      );
    }
  }
}

/** An error as it is stored: no `undefined` fields (BSON would store them as null). */
export function storedError(error: SerializedError): SerializedError {
  return {
    name: String(error.name),
    message: String(error.message),
    ...(error.code !== undefined && error.code !== null ? { code: String(error.code) } : {}),
    ...(error.stack !== undefined && error.stack !== null ? { stack: String(error.stack) } : {}),
  };
}
