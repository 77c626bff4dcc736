import type { Logger } from '../util/logger.js';
import type { Message } from './message.js';
import type { Outcome } from './outcome.js';

/**
 * Handles a batch. Rules:
 * - Resolve with nothing (or null): every message is acked.
 * - Resolve with an array of {@link Outcome}s (index-aligned with `messages`): each message is
 *   settled on its own; one bad message does not fail its neighbours. `undefined` entries are acks.
 * - Throw (reject): every message of the batch failed with that error; it is classified by its class
 *   or `retryable` flag (see `isRetryable`) and retried with backoff or dead-lettered.
 * - Honour `ctx.signal`: it aborts on timeout (reason {@link TimeoutError}), on shutdown past the
 *   deadline ({@link ShutdownError}) and when the lease is lost ({@link LeaseLostError}). A processor
 *   that ignores it keeps its concurrency slot until it returns; its late result is discarded.
 */
export type Processor<P = unknown> = (
  messages: readonly Message<P>[],
  ctx: ProcessorContext,
) => Promise<ProcessorResult> | ProcessorResult;

/** What a processor returns: nothing or `null` (ack all), or one outcome per message. */
export type ProcessorResult = void | null | readonly (Outcome | undefined)[];

export interface ProcessorContext {
  /** Aborts on timeout, shutdown deadline or lease loss; `signal.reason` says which. */
  readonly signal: AbortSignal;
  readonly queue: string;
  /** The consumer running this batch. */
  readonly consumerId: string;
  /** The shard the batch came from, on sharded providers (Kinesis); `undefined` elsewhere. */
  readonly shardId: string | undefined;
  /** When the lease on this batch currently ends (epoch ms); renewed automatically while you work. */
  readonly leaseExpiresAt: number;
  /** When the processor times out (epoch ms). */
  readonly deadline: number;
  /**
   * Long work: push the deadline to at least `ms` from now and renew the lease now. Rejects with
   * {@link LeaseLostError} if the lease was lost (the signal aborts too), or with the signal's
   * reason if the batch already timed out or was aborted at shutdown; {@link ValidationError} if
   * `ms` is not a positive finite number.
   */
  extendLease(ms: number): Promise<void>;
  readonly logger: Logger;
}
