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
 * a settlement or renewal for a claim whose lease was lost must fail with {@link LeaseLostError}
 * and change nothing.
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
   */
  publish(queue: string, messages: readonly NewMessage[], options: PublishOptions): Promise<PublishResult>;

  /** A receiver for one consumer (or one pull). */
  receiver(queue: string, options: ReceiverOptions): Receiver;

  readonly deadLetters: DeadLetterStore;

  stats(queue: string): Promise<QueueStats>;

  /** Release resources. Called once, after every receiver was closed. */
  close(): Promise<void>;
}

export interface ProviderContext {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly ids: IdGenerator;
  /** Emit provider-side events (expired, poison-pill, lease.*, checkpoint, throttled, lag, …). */
  readonly lifecycle: Lifecycle;
}

export interface ReceiverOptions {
  readonly consumerId: string;
  /** Lease length for each claim. */
  readonly leaseMs: number;
  /** Used for messages published without their own `maxAttempts`. */
  readonly maxAttempts: number;
  /** Deliver at most one message per partition key at a time, in due order (runAt, then publish order); a retrying message keeps its key. */
  readonly ordered: boolean;
}

/**
 * Hands out claims to one consumer. `receive` is called by one loop per concurrency slot, so a
 * receiver sees concurrent calls.
 */
export interface Receiver {
  /**
   * Lease up to `max` deliverable messages. Returns at once when some are ready; otherwise waits
   * until some are, or until `signal` aborts (then resolves `null`). A message delivered more than
   * its `maxAttempts` times without being settled (its consumers keep dying) must be dead-lettered
   * here with reason `'poison-pill'` instead of delivered. An expired message is dropped with a
   * `message.expired` event.
   */
  receive(max: number, signal: AbortSignal): Promise<Claim | null>;
  /** Apply the outcome of a claim. Rejects with {@link LeaseLostError} (changing nothing) if fenced. */
  settle(claim: Claim, settlement: Settlement): Promise<void>;
  /** Extend the claim's lease to `leaseMs` from now; returns the new expiry. LeaseLostError if lost. */
  renew(claim: Claim, leaseMs: number): Promise<number>;
  /** Stop handing out claims; pending `receive` calls resolve `null`. Leases still held stay until settled or expired. */
  close(): Promise<void>;
}

/** A leased batch. `token` fences it: only the holder of the current token may settle or renew. */
export interface Claim {
  readonly id: string;
  readonly token: string;
  readonly messages: readonly Message[];
  readonly leaseExpiresAt: number;
  /** Sharded providers: where the batch came from. */
  readonly shardId?: string | undefined;
}

/**
 * How a claim ends. Every message of the claim appears in exactly one list. `release` gives a
 * message back without counting the attempt (shutdown).
 */
export interface Settlement {
  readonly ack: readonly Message[];
  readonly retry: readonly RetrySettlement[];
  readonly deadLetter: readonly DeadLetterSettlement[];
  readonly release: readonly Message[];
}

export interface RetrySettlement {
  readonly message: Message;
  /** When to deliver again (epoch ms). */
  readonly runAt: number;
  readonly error: SerializedError;
}

export interface DeadLetterSettlement {
  readonly message: Message;
  readonly reason: DeadLetterReason;
  readonly error: SerializedError;
}
