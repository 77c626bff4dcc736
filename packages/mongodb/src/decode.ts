import { decodeJsonPayload, type DeadLetter, type DeadLetterReason, type Message, type SerializedError } from '@mqkit/core';
import type { DeadLetterDoc, MessageDoc } from './documents.js';

const EMPTY = Object.freeze({});

/**
 * A stored message as a delivered {@link Message}: a new object each time, the payload parsed from
 * its JSON text (a corrupt text throws core's DecodeError: the receiver dead-letters it as
 * `undecodable`). Times are the publisher's (as published, or as its retry was decided).
 * `maxAttempts` is the message's own, else the consumer's.
 */
export function toMessage(doc: MessageDoc | DeadLetterDoc, defaultMaxAttempts: number): Message {
  return {
    id: doc.id,
    queue: doc.q,
    type: doc.type,
    payload: typeof doc.payload === 'string' ? decodeJsonPayload(doc.payload, doc.id, 'mongodb') : decodeJsonPayload(String(doc.payload), doc.id, 'mongodb'),
    createdAt: Number(doc.createdAt),
    runAt: Number(doc.runAt),
    expiresAt: doc.expiresAtMs === null || doc.expiresAtMs === undefined ? undefined : Number(doc.expiresAtMs),
    attempt: doc.attempt,
    maxAttempts: doc.maxAttempts ?? defaultMaxAttempts,
    partitionKey: doc.key ?? undefined,
    dedupeKey: doc.dedupeKey ?? undefined,
    headers: doc.headers ?? EMPTY,
  };
}

/** The same for an event about a message that may not decode (expired, dead-lettered undecodable): the payload is the stored text then. */
export function toEventMessage(doc: MessageDoc, defaultMaxAttempts: number): Message {
  try {
    return toMessage(doc, defaultMaxAttempts);
  } catch {
    return { ...toMessage({ ...doc, payload: 'null' }, defaultMaxAttempts), payload: doc.payload };
  }
}

const REASONS: ReadonlySet<string> = new Set<DeadLetterReason>(['permanent', 'max-attempts', 'explicit', 'poison-pill', 'undecodable']);

export function toDeadLetter(doc: DeadLetterDoc): DeadLetter {
  let message: Message;
  try {
    message = toMessage(doc, doc.maxAttempts ?? doc.attempt);
  } catch {
    message = { ...toMessage({ ...doc, payload: 'null' }, doc.maxAttempts ?? doc.attempt), payload: doc.payload };
  }
  return {
    message,
    reason: (REASONS.has(doc.reason) ? doc.reason : 'explicit') as DeadLetterReason,
    error: cleanError(doc.error),
    deadLetteredAt: doc.deadLetteredAt.getTime(),
  };
}

function cleanError(error: SerializedError | null | undefined): SerializedError {
  if (error === null || error === undefined) return { name: 'Error', message: 'unknown' };
  return {
    name: error.name,
    message: error.message,
    ...(typeof error.code === 'string' ? { code: error.code } : {}),
    ...(typeof error.stack === 'string' ? { stack: error.stack } : {}),
  };
}
