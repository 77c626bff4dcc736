import type { SerializedError } from '../errors/classify.js';
import type { DeadLetterReason } from '../retry/failure-decision.js';
import type { Message, NewMessage } from '../contracts/message.js';

/**
 * Every observable thing, by name. High-volume events (`published`, `received`, `processed`) carry
 * the whole batch so a listener pays one call per batch; the rest are per message or per resource.
 * `at` is the clock's epoch ms when the event was raised.
 */
export interface LifecycleEvents {
  /**
   * Messages stored (with payloads, as validated at publish). `duplicates` were suppressed by their
   * dedupe key (not in `messages`). `at` is when `publish()` was called. `transactional`: written
   * in the caller's transaction (`PublishOptions.transaction`), which may still roll back.
   */
  'message.published': { queue: string; messages: readonly NewMessage[]; duplicates: number; transactional: boolean; at: number };
  /** A batch was leased to a consumer. */
  'message.received': { queue: string; consumerId: string; messages: readonly Message[]; at: number };
  /** These messages were acked after `durationMs` of processing. */
  'message.processed': { queue: string; consumerId: string; messages: readonly Message[]; durationMs: number; at: number };
  /** One delivery failed; `willRetry` tells whether it comes back. */
  'message.failed': { queue: string; consumerId: string; message: Message; error: unknown; willRetry: boolean; at: number };
  /** A failed message was scheduled again `delayMs` from now. */
  'message.retried': { queue: string; message: Message; delayMs: number; at: number };
  /** A message moved to the dead-letter store. */
  'message.dead-lettered': { queue: string; message: Message; reason: DeadLetterReason; error: SerializedError; at: number };
  /** A message passed its `expiresAt` before delivery and was discarded. */
  'message.expired': { queue: string; message: Message; at: number };
  /** Dead letters were put back on the queue. */
  'message.replayed': { queue: string; count: number; at: number };
  /** A processor ran past its deadline; its batch is retried with backoff (dead-lettered on its last attempt). */
  'processor.timeout': { queue: string; consumerId: string; messages: readonly Message[]; timeoutMs: number; at: number };
  /**
   * A processor whose batch was already decided (it timed out, its lease was lost, or it was
   * abandoned at shutdown) finally returned. It held its concurrency slot for `overrunMs` past that
   * moment; its result was discarded.
   */
  'processor.overrun': { queue: string; consumerId: string; messages: readonly Message[]; overrunMs: number; at: number };
  'consumer.started': { queue: string; consumerId: string; concurrency: number; batchSize: number; at: number };
  /**
   * `abandoned`: batches still running at the shutdown deadline, released for redelivery.
   * `error`: with reason `'error'`, the failure that stopped it.
   */
  'consumer.stopped': { queue: string; consumerId: string; reason: StopReason; abandoned: number; error?: unknown; at: number };
  /**
   * The provider failed (broker down, network) in `operation` (`receive`, `renew`, `settle`,
   * `close`, …). `retryInMs`: when core tries again; `undefined` when it does not (it gave up:
   * the lease ran out, or the consumer is stopping) — the messages then come back when their
   * lease expires.
   */
  'consumer.error': { queue: string; consumerId: string; error: unknown; operation: string; retryInMs: number | undefined; at: number };
  'lease.acquired': LeaseEvent;
  'lease.renewed': LeaseEvent;
  /** This owner can no longer settle the resource (expired, or fenced by a newer owner). */
  'lease.lost': LeaseEvent;
  /** This owner took a resource from another, live owner (rebalancing). */
  'lease.stolen': LeaseEvent & { previousOwner: string };
  'lease.released': LeaseEvent;
  /** A shard's progress was saved. */
  checkpoint: { queue: string; shardId: string; sequenceNumber: string; consumerId: string; at: number };
  /** Shard assignment changed. */
  rebalance: { queue: string; consumerId: string; workers: number; owned: readonly string[]; at: number };
  /** A message or record kept failing (or killing its consumer) and was set aside. */
  'poison-pill': { queue: string; message: Message; attempts: number; shardId: string | undefined; at: number };
  /** A membership heartbeat could not be written. */
  'heartbeat.failed': { queue: string; consumerId: string; error: unknown; at: number };
  /** The backend throttled a call; the caller waits `delayMs` (not counted as an error). */
  throttled: { queue: string; operation: string; delayMs: number; shardId: string | undefined; at: number };
  /** How far behind a consumer is: `ms` (time) and/or `messages` (depth), where known. */
  lag: { queue: string; shardId: string | undefined; ms: number | undefined; messages: number | undefined; at: number };
}

export interface LeaseEvent {
  queue: string;
  /** `claim`: a batch of messages leased to a consumer (core raises these); `shard`: a shard leased by a coordinated provider. */
  kind: 'claim' | 'shard';
  /** What is leased: a shard id, or a batch id for message leases. */
  resource: string;
  owner: string;
  /** Fencing token of the lease. */
  token: string;
  at: number;
}

/**
 * Why a consumer stopped: `stop()`, `queue.close()`, its `signal` aborted, or `'error'`: a receive
 * failed in a way retrying cannot heal (`retryable: false`: an unknown queue, bad configuration).
 * Other provider errors never stop it: they are retried with backoff.
 */
export type StopReason = 'stop' | 'close' | 'signal' | 'error';

export type LifecycleEventName = keyof LifecycleEvents;

/** A discriminated union of every event, for catch-all listeners (`onEvent`). */
export type AnyLifecycleEvent = { [K in LifecycleEventName]: { readonly type: K } & LifecycleEvents[K] }[LifecycleEventName];

export type LifecycleHandler<K extends LifecycleEventName> = (event: LifecycleEvents[K]) => void | Promise<void>;

/**
 * A listener: handlers for the events it cares about (sync or async), and/or `onEvent` for all.
 * Handlers must not assume they run before the consumer moves on. A throwing handler, or an async
 * one that rejects or never settles, never slows consumption — its error goes to
 * `onLifecycleError`. Handlers may be plain functions or class methods (called with the listener as `this`).
 */
export type LifecycleListener = { readonly name?: string; readonly onEvent?: (event: AnyLifecycleEvent) => void | Promise<void> } & {
  readonly [K in LifecycleEventName]?: LifecycleHandler<K>;
};
