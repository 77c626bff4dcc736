import type { SerializedError } from '../errors/classify.js';
import type { DeadLetterReason } from '../retry/failure-decision.js';
import type { Message } from './message.js';

/** A message that will not be retried again, with why. */
export interface DeadLetter<P = unknown> {
  /** The message as last delivered (its `attempt` is the number of deliveries it had). */
  readonly message: Message<P>;
  readonly reason: DeadLetterReason;
  /** The last error, serialized. */
  readonly error: SerializedError;
  readonly deadLetteredAt: number;
}

export interface DeadLetterListOptions {
  /** At most this many (default 100). */
  readonly limit?: number;
  /** The `next` cursor of the previous page. */
  readonly cursor?: string | undefined;
}

export interface DeadLetterPage<P = unknown> {
  readonly items: readonly DeadLetter<P>[];
  /** Pass as `cursor` for the next page; `undefined` at the end. */
  readonly next: string | undefined;
}

export interface DeadLetterSelector {
  /** Only these message ids. Default: all (up to `limit`). */
  readonly ids?: readonly string[];
  /** At most this many. Default: no limit. */
  readonly limit?: number;
}

/**
 * The dead-letter store of a queue. Replay puts a message back as new: attempt count reset, due now,
 * same id and payload; it leaves the store.
 */
export interface DeadLetterStore {
  list(queue: string, options?: DeadLetterListOptions): Promise<DeadLetterPage>;
  replay(queue: string, selector?: DeadLetterSelector): Promise<{ readonly replayed: number }>;
  purge(queue: string, selector?: DeadLetterSelector): Promise<{ readonly purged: number }>;
}
