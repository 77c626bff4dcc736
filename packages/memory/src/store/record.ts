import type { Message, NewMessage, SerializedError } from '@mqkit/core';

/** One stored message and its delivery state, mutable, private to the memory provider. */
export interface MessageRecord {
  readonly message: NewMessage;
  /** Publish order, the tiebreak for equal `runAt`. */
  readonly seq: number;
  /** Deliveries so far. */
  attempt: number;
  runAt: number;
  /** Its last lease expired without a settlement: its consumer probably died holding it. */
  abandoned: boolean;
  lastError: SerializedError | undefined;
  /** The payload as JSON text, with `serialization: 'json'`; each delivery parses its own copy. */
  readonly encoded: string | undefined;
}

export function byRunAt(a: MessageRecord, b: MessageRecord): boolean {
  return a.runAt < b.runAt || (a.runAt === b.runAt && a.seq < b.seq);
}

/** A fresh message object per delivery, so a processor never sees its attempt count change under it. */
export function deliver(record: MessageRecord, maxAttempts: number): Message {
  const m = record.message;
  return {
    id: m.id,
    queue: m.queue,
    type: m.type,
    payload: record.encoded === undefined ? m.payload : JSON.parse(record.encoded),
    createdAt: m.createdAt,
    runAt: record.runAt,
    expiresAt: m.expiresAt,
    attempt: record.attempt,
    maxAttempts,
    partitionKey: m.partitionKey,
    dedupeKey: m.dedupeKey,
    headers: m.headers,
  };
}
