import type { Message, NewMessage, SerializedError } from '@mqkit/core';

/**
 * One stored message and its delivery state, mutable, private to the memory provider.
 *
 * A class, not an object literal: V8 may decide that objects made by a literal survive long
 * enough to be allocated straight in the old generation ("pretenuring"), and stored messages do
 * sit in the queue a while. It then never changes its mind, and every record became old garbage
 * pointing at young messages and payloads, which the scavenger had to copy and promote until a
 * full GC came: about twice the CPU per message on a busy queue. Instances made by `new` are not
 * pretenured.
 */
export class MessageRecord {
  /** Deliveries so far. */
  attempt = 0;
  /** Its last lease expired without a settlement: its consumer probably died holding it. */
  abandoned = false;
  lastError: SerializedError | undefined = undefined;
  /**
   * When its retry is due, once one was decided; until then it is due at the message's own
   * `runAt`. (A number field of its own would be one more heap box per stored message.)
   */
  #retryAt: number | undefined = undefined;

  constructor(
    readonly message: NewMessage,
    /** Publish order, the tiebreak for equal `runAt`. */
    readonly seq: number,
    /** The payload as JSON text, with `serialization: 'json'`; each delivery parses its own copy. */
    readonly encoded: string | undefined,
  ) {}

  /** When it is due (epoch ms). */
  get runAt(): number {
    return this.#retryAt ?? this.message.runAt;
  }

  set runAt(at: number) {
    this.#retryAt = at;
  }
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
