import type { NewMessage, SerializedError } from '@mqkit/core';

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
}

export function byRunAt(a: MessageRecord, b: MessageRecord): boolean {
  return a.runAt < b.runAt || (a.runAt === b.runAt && a.seq < b.seq);
}
