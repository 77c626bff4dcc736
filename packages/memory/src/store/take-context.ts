import type { DeadLetter } from '@mqkit/core';
import type { MessageRecord } from './record.js';

/** What the store needs from the receiver taking messages: its options and where to report. */
export interface TakeContext {
  readonly owner: object;
  readonly consumerId: string;
  readonly leaseMs: number;
  readonly maxAttempts: number;
  readonly ordered: boolean;
  /** A message passed its expiresAt before delivery and was dropped. */
  onExpired(record: MessageRecord, now: number): void;
  /** A message abandoned by dying consumers maxAttempts times was dead-lettered. */
  onPoisonPill(letter: DeadLetter, now: number): void;
}
