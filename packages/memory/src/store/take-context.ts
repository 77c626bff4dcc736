import type { DeadLetter, Message } from '@mqkit/core';

/** What the store needs from the receiver taking messages: its options and where to report. */
export interface TakeContext {
  readonly owner: object;
  readonly consumerId: string;
  readonly leaseMs: number;
  readonly maxAttempts: number;
  readonly ordered: boolean;
  /** A message passed its expiresAt before delivery and was dropped. */
  onExpired(message: Message, now: number): void;
  /** A message abandoned by dying consumers maxAttempts times was dead-lettered. */
  onPoisonPill(letter: DeadLetter, now: number): void;
}
