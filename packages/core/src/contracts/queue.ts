import type { RetryPolicyInput } from '../retry/retry-policy.js';
import type { Lifecycle } from '../lifecycle/lifecycle.js';
import type { StopReason } from '../lifecycle/events.js';
import type { Capabilities } from './capabilities.js';
import type { DeadLetterStore } from './dead-letter.js';
import type { OutgoingMessage, PayloadOf, QueueName } from './message.js';
import type { Processor } from './processor.js';

/**
 * What application code depends on. Made by `createQueue({ provider })`; the same code runs on
 * every provider. All methods are safe to call concurrently.
 */
export interface Queue {
  /** The provider's name (`"memory"`, `"prisma"`, …). */
  readonly provider: string;
  readonly capabilities: Capabilities;
  /** The event bus; `lifecycle.add(listener)` returns an unsubscribe function. */
  readonly lifecycle: Lifecycle;

  /**
   * Stores one message or a batch (batch-first: one round trip where the backend allows).
   * Resolves when the backend has accepted every message. Messages whose `dedupeKey` is already
   * present are not stored again: their index is in `duplicates` and `ids[index]` is the id of the
   * message that was kept. Throws {@link ValidationError} (naming e.g. `messages[3].delayMs`) for
   * bad input, {@link ClosedError} after close.
   */
  publish<Q extends QueueName>(
    queue: Q,
    messages: OutgoingMessage<PayloadOf<Q>> | readonly OutgoingMessage<PayloadOf<Q>>[],
    options?: PublishOptions,
  ): Promise<PublishResult>;

  /**
   * Starts a consumer. It runs until `stop()`, `options.signal` aborts, or the queue closes. Its
   * processor is called with up to `batchSize` messages, in up to `concurrency` batches at once.
   */
  consume<Q extends QueueName>(queue: Q, processor: Processor<PayloadOf<Q>>, options?: ConsumeOptions): Consumer;

  /**
   * One-shot: lease up to `max` ready messages, run the processor once on them, settle, and
   * return the counts. Does not wait for messages unless `waitMs` is given. For cron-style jobs.
   */
  pull<Q extends QueueName>(queue: Q, processor: Processor<PayloadOf<Q>>, options?: PullOptions): Promise<PullResult>;

  readonly deadLetters: DeadLetterStore;

  /** Counts for a queue; `null` where a provider cannot know a figure (see its docs). */
  stats(queue: string): Promise<QueueStats>;

  /**
   * Stops every consumer and pull (graceful, within this call's `timeoutMs`, default 30000 — it
   * overrides each consumer's `shutdownTimeoutMs`), waits for lifecycle listeners briefly, closes
   * the provider. `publish` keeps working while consumers drain (they may publish follow-ups);
   * everything throws {@link ClosedError} once closed. Always finishes: a backend whose
   * settlement, receiver close or own close rejects or hangs is reported (logger and
   * `consumer.error`) and given up about a second past the deadline, so `close()` resolves within
   * `timeoutMs` plus a few seconds at worst and never rejects. Idempotent: every call returns the
   * same promise; safe while consumers run.
   */
  close(options?: CloseOptions): Promise<void>;
}

export interface PublishOptions {
  /** What to do when the queue is at capacity (providers with a bound): wait for room (default) or throw {@link QueueFullError}. */
  readonly onFull?: 'wait' | 'reject';
  /** Aborts a publish that is waiting for room. */
  readonly signal?: AbortSignal;
  /**
   * Publish inside your own database transaction (the transactional outbox): a Prisma
   * interactive-transaction client, a MongoDB `ClientSession`. Core passes it to the provider
   * untouched; a provider without `capabilities.transactionalPublish` refuses it with a
   * {@link ValidationError} (`publish.transaction`). The messages become visible when your
   * transaction commits and vanish if it rolls back; `message.published` is emitted when the
   * provider has written them (with `transactional: true`), which is before the commit.
   */
  readonly transaction?: unknown;
}

export interface PublishResult {
  /** One id per input message, in input order (for duplicates, the id of the kept message). */
  readonly ids: readonly string[];
  /** Inputs suppressed by their dedupe key. */
  readonly duplicates: readonly DuplicateRef[];
}

export interface DuplicateRef {
  readonly index: number;
  readonly id: string;
  readonly dedupeKey: string;
}

export interface ConsumeOptions {
  /** Batches processed at once. Default 1. */
  readonly concurrency?: number;
  /** Most messages per processor call. Default 1. */
  readonly batchSize?: number;
  /** Processor deadline per batch; the signal aborts with {@link TimeoutError}. Default 30000. */
  readonly timeoutMs?: number;
  /**
   * Lease (visibility timeout) on a delivered batch: if this consumer dies, the batch is delivered
   * again this long after its last renewal. Renewed automatically every third of it while the
   * processor runs. Default 10000.
   */
  readonly leaseMs?: number;
  /** Retry policy over the queue's defaults. */
  readonly retry?: RetryPolicyInput;
  /** At most one in-flight message per partition key, in due order: runAt, then publish order (needs `capabilities.ordering`). */
  readonly ordered?: boolean;
  /** Stops the consumer when it aborts (graceful, like `stop()`). */
  readonly signal?: AbortSignal;
  /** Shutdown deadline used by `stop()` without a `timeoutMs` and when `signal` aborts (`close()` passes its own). Default 30000. */
  readonly shutdownTimeoutMs?: number;
  /** Default: generated. Appears in every event of this consumer. */
  readonly consumerId?: string;
}

export interface PullOptions extends Omit<ConsumeOptions, 'concurrency' | 'batchSize' | 'signal' | 'shutdownTimeoutMs'> {
  /** Most messages to take. Default 1. */
  readonly max?: number;
  /** Wait up to this long for a first message. Default 0 (take what is ready now). */
  readonly waitMs?: number;
  /** Cancels the wait (not the processing). */
  readonly signal?: AbortSignal;
}

export interface PullResult {
  readonly received: number;
  readonly acked: number;
  readonly retried: number;
  readonly deadLettered: number;
  /**
   * True when the batch did not end by the processor's own result: it timed out, its lease was
   * lost, it was aborted by `close()`, or its settlement failed (then the messages come back when
   * the lease expires).
   */
  readonly interrupted: boolean;
}

export type ConsumerState = 'running' | 'stopping' | 'stopped';

/** A running consumer. */
export interface Consumer {
  readonly id: string;
  readonly queue: string;
  readonly state: ConsumerState;
  /**
   * Graceful stop: fetch nothing more, let in-flight batches finish within `timeoutMs` (default
   * the consumer's `shutdownTimeoutMs`), then abort them with {@link ShutdownError} and release
   * their messages for redelivery; settle what finished; release leases. A backend that hangs
   * cannot hold it: a settlement or receiver close still pending a second after the deadline is
   * given up (reported as `consumer.error`; its messages come back when their lease expires).
   * Idempotent: every call returns the same promise, which never rejects.
   *
   * Called from inside a processor ("process this one, then stop"), it resolves as soon as
   * fetching has stopped, without waiting for in-flight batches — the calling one would wait for
   * itself. The batches, the caller's included, are settled as their processors return, within
   * the deadline; `stopped` resolves after the last. Core recognises such a call by the
   * processor's async call chain: make it from the processor's own code or from code the
   * processor awaits, not from a detached callback (a timer, an event handler) — there it waits
   * for the drain as from outside, and a processor awaiting it holds the shutdown until the deadline.
   */
  stop(options?: CloseOptions): Promise<void>;
  /**
   * Resolves when the consumer has stopped, with why (never rejects). `'error'`: a receive failed
   * in a way retrying cannot heal (`retryable: false`, e.g. `UnknownQueueError`); the error is in
   * the `consumer.stopped` event and in {@link Consumer.error}.
   */
  readonly stopped: Promise<StopReason>;
  /** The error that stopped the consumer, when `stopped` resolved `'error'`. */
  readonly error: unknown;
}

export interface CloseOptions {
  readonly timeoutMs?: number;
}

export interface QueueStats {
  readonly queue: string;
  /** Waiting to be delivered now (including, on memory, messages held behind their partition key). */
  readonly ready: number | null;
  /** Waiting for their `runAt` (delayed or backing off). */
  readonly delayed: number | null;
  /** Leased to consumers. */
  readonly inFlight: number | null;
  readonly deadLettered: number | null;
  /** Age of the oldest ready message, or the consumer lag (Kinesis), in ms. */
  readonly lagMs: number | null;
}
