/**
 * Per-message outcomes a processor can return, index-aligned with the batch it was given.
 * A missing (`undefined`) entry means ack. Use the helpers: `return batch.map(m => ok(m) ? ack() : retry(err))`.
 */
export type Outcome = AckOutcome | RetryOutcome | DeadLetterOutcome;

export interface AckOutcome {
  readonly kind: 'ack';
}

export interface RetryOutcome {
  readonly kind: 'retry';
  /** Recorded as the failure; a permanent error (`retryable: false`) dead-letters instead. */
  readonly error: unknown;
  /** Overrides the policy's backoff for this retry. */
  readonly delayMs?: number | undefined;
}

export interface DeadLetterOutcome {
  readonly kind: 'dead-letter';
  readonly error: unknown;
}

const ACK: AckOutcome = Object.freeze({ kind: 'ack' });

/** The message is done. */
export function ack(): AckOutcome {
  return ACK;
}

/**
 * Try the message again later (counts as a failed attempt: after `maxAttempts` it is dead-lettered).
 */
export function retry(error: unknown, options: { delayMs?: number } = {}): RetryOutcome {
  return { kind: 'retry', error, delayMs: options.delayMs };
}

/** Move the message to the dead-letter store now. */
export function deadLetter(error: unknown): DeadLetterOutcome {
  return { kind: 'dead-letter', error };
}
