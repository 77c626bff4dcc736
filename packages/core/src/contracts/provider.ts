import type { SerializedError } from '../errors/classify.js';
import type { Lifecycle } from '../lifecycle/lifecycle.js';
import type { DeadLetterReason } from '../retry/failure-decision.js';
import type { Clock } from '../util/clock.js';
import type { IdGenerator } from '../util/ids.js';
import type { Logger } from '../util/logger.js';
import type { Capabilities, CapabilityNotes } from './capabilities.js';
import type { DeadLetterStore } from './dead-letter.js';
import type { Message, NewMessage } from './message.js';
import type { PublishOptions, PublishResult, QueueStats } from './queue.js';

/**
 * The service-provider interface: what a backend implements. Core's `createQueue` builds the
 * {@link Queue} on top of it, so retry decisions, timeouts, lease renewal, lifecycle dispatch and
 * graceful shutdown are written once, in core, for every provider.
 *
 * A provider stores messages, hands them out under leases, and applies settlements — fenced:
 * a settlement or renewal for a claim whose lease was lost must fail with `LeaseLostError`
 * and change nothing (or, with per-message fencing, apply to what the claim still holds and
 * report the rest, see {@link Receiver.settle}).
 *
 * Every method that returns a promise reports its failures by rejecting, never by throwing
 * synchronously. Errors are recognised by their `code` (`isMqkitError`), never by `instanceof`:
 * the provider and the application may load different copies of `@mqkit/core`.
 */
export interface QueueProvider {
  readonly name: string;
  readonly capabilities: Capabilities;
  /** Why each missing capability is missing (printed by the testkit). */
  readonly capabilityNotes?: CapabilityNotes;

  /** Called once by `createQueue` before anything else. Connect, create schema, start timers. */
  open(context: ProviderContext): Promise<void>;

  /**
   * Store validated messages. Honour `dedupeKey` when `capabilities.dedupe` (report suppressed
   * ones), `runAt` when `capabilities.delay`. Must be atomic per message, ideally per batch.
   * A message whose publisher-given `id` (`explicitId`) the queue already holds — waiting, in
   * flight or dead-lettered — rejects the batch with `DuplicateIdError`, storing nothing (a
   * suppressed `dedupeKey` is reported, not refused). With `options.transaction` (only passed
   * when `capabilities.transactionalPublish`), write inside that transaction.
   */
  publish(queue: string, messages: readonly NewMessage[], options: PublishOptions): Promise<PublishResult>;

  /** A receiver for one consumer (or one pull). May throw synchronously (e.g. `UnknownQueueError`). */
  receiver(queue: string, options: ReceiverOptions): Receiver;

  readonly deadLetters: DeadLetterStore;

  stats(queue: string): Promise<QueueStats>;

  /** Release resources. Called once, after every receiver was closed (or after core gave up waiting for one). */
  close(): Promise<void>;
}

export interface ProviderContext {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly ids: IdGenerator;
  /**
   * Emit provider-side events (expired, poison-pill, undecodable, shard leases, checkpoint,
   * throttled, lag, …). `emitExpired`, `emitPoisonPill` and `emitUndecodable` from core build
   * the common ones.
   */
  readonly lifecycle: Lifecycle;
}

export interface ReceiverOptions {
  readonly consumerId: string;
  /** Lease length for each claim. */
  readonly leaseMs: number;
  /** Used for messages published without their own `maxAttempts`. */
  readonly maxAttempts: number;
  /**
   * Hold each partition key for at most one claim at a time, across every consumer of the queue,
   * and hand out its messages in due order (runAt, then publish order); a retrying message keeps
   * its key. A claim may carry several messages of one key, in order.
   */
  readonly ordered: boolean;
}

/**
 * Hands out claims to one consumer. `receive` is called by one loop per concurrency slot, so a
 * receiver sees concurrent calls. Core's promises to the receiver, per claim:
 * - `renew` and `settle` of one claim are never in flight at the same time, and neither is ever
 *   called twice at once: core waits for a renewal to answer before it settles, and never renews
 *   once it has started to settle.
 * - After `settle` resolved (or rejected with `LeaseLostError`), the claim is never used again.
 * - Lease timing runs on core's own monotonic clock (a renewal a third of the lease after the
 *   last one was sent); `Claim.leaseExpiresAt` and `renew`'s answer are information, so the
 *   backend may fence with its own clock (a database's `now()`, Redis `TIME`) whatever the skew.
 */
export interface Receiver {
  /**
   * Lease up to `max` deliverable messages. Returns at once when some are ready; otherwise waits
   * until some are, or until `signal` aborts (then resolves `null`). A `signal` that is already
   * aborted still takes what is ready now (`pull` without `waitMs` relies on it); `null` means
   * nothing was ready. Resolve `null` only then, or once the receiver is closed.
   *
   * A message delivered more than its `maxAttempts` times without being settled (its consumers
   * keep dying) must be dead-lettered here with reason `'poison-pill'` instead of delivered. A
   * message whose previous delivery was abandoned (its lease expired unsettled) is delivered
   * alone, in a claim of its own, so a message that kills its consumer is dead-lettered alone and
   * not with its batch-mates. An expired message is dropped with a `message.expired` event; an
   * undecodable one is dead-lettered with reason `'undecodable'`.
   *
   * A failure that cannot heal by retrying (an unknown queue, bad configuration found only when
   * the backend is reached) should reject with an error whose `retryable` is `false`
   * (`UnknownQueueError`, `ConfigError`): core then stops the consumer with reason `'error'`
   * instead of retrying forever. Any other rejection is retried with backoff.
   */
  receive(max: number, signal: AbortSignal): Promise<Claim | null>;
  /**
   * Apply the outcome of a claim, fenced by its token. Rejects with `LeaseLostError`, changing
   * nothing, when the claim lost its lease. A provider that fences per message (MongoDB without a
   * multi-document transaction) applies the settlement to the messages the token still holds and
   * resolves `{ lost: [ids] }` naming the others; core then reports only what was applied.
   * Any other rejection is retried by core with backoff while the lease lasts (by core's clock),
   * so a settlement must be safe to apply again after a failure that left it half done.
   */
  settle(claim: Claim, settlement: Settlement): Promise<SettleResult | void>;
  /**
   * Extend the claim's lease to `leaseMs` from now (by the backend's clock); returns the new
   * expiry (information only). `LeaseLostError` if the claim holds nothing any more. Any other
   * rejection is retried by core with backoff until the lease ends by core's clock.
   */
  renew(claim: Claim, leaseMs: number): Promise<number>;
  /**
   * Stop handing out claims; pending `receive` calls resolve `null`. Leases still held stay until
   * settled or expired (a settle may still come after close). Idempotent: a second call resolves too.
   */
  close(): Promise<void>;
}

/** A leased batch. `token` fences it: only the holder of the current token may settle or renew. */
export interface Claim {
  readonly id: string;
  readonly token: string;
  readonly messages: readonly Message[];
  /** When the backend will consider the lease ended, by the backend's clock (information only). */
  readonly leaseExpiresAt: number;
  /** Sharded providers: where the batch came from. */
  readonly shardId?: string | undefined;
  /**
   * Aborted by the provider when it knows the claim is over before any renewal would tell (a
   * shard was stolen, the connection holding a lock died): core aborts the processor's signal
   * with `LeaseLostError` and emits `lease.lost` at once.
   */
  readonly signal?: AbortSignal | undefined;
}

/**
 * How a claim ends. Every message of the claim appears in exactly one list. `release` gives a
 * message back without counting the attempt (shutdown, or a later message of a partition key
 * whose earlier message was not acked).
 */
export interface Settlement {
  readonly ack: readonly Message[];
  readonly retry: readonly RetrySettlement[];
  readonly deadLetter: readonly DeadLetterSettlement[];
  readonly release: readonly Message[];
}

/** What a per-message-fenced settle could not apply. */
export interface SettleResult {
  /** Ids of the claim's messages its token no longer held: their outcome was not applied. */
  readonly lost: readonly string[];
}

export interface RetrySettlement {
  readonly message: Message;
  /** When to deliver again (epoch ms, by core's clock). */
  readonly runAt: number;
  /** The same as a delay from the moment core decided it: for backends that schedule by their own clock. */
  readonly delayMs: number;
  readonly error: SerializedError;
}

export interface DeadLetterSettlement {
  readonly message: Message;
  readonly reason: DeadLetterReason;
  readonly error: SerializedError;
}
