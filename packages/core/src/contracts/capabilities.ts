/**
 * What a provider promises. The testkit runs the cases a capability promises and prints the others
 * as skipped with the provider's reason; application code can check them at runtime.
 */
export interface Capabilities {
  /** `delayMs` / `runAt` are honoured: nothing is delivered before its time. */
  readonly delay: boolean;
  /** `ttlMs` / `expiresAt` are honoured: an expired message is discarded with a `message.expired` event. */
  readonly expiry: boolean;
  /** `dedupeKey` suppresses a second publish inside the dedupe window and reports it. */
  readonly dedupe: boolean;
  /**
   * A consumer with `ordered: true` processes the messages of one partition key in due order: by
   * `runAt`, then publish order (so publish order when nothing is delayed). A key is held by at most
   * one claim at a time, in any process; a claim may carry several messages of one key, in that
   * order (streams do; memory and the SQL providers give one per key). A message waiting for its
   * retry keeps its key: later messages of the key wait behind it. Core keeps settlement
   * order-safe: once a message of key K in a batch is not acked, no later message of K in that
   * batch is acked (they are released), and a timed-out processor keeps its key until it returns.
   */
  readonly ordering: boolean;
  /** Messages survive a restart of the process (and of the broker, where it is durable). */
  readonly persistence: boolean;
  /** Dead letters are kept and can be listed, replayed and purged. */
  readonly deadLetterStore: boolean;
  /** A lease can be renewed while a processor works (`ctx.extendLease`, automatic renewal). */
  readonly leaseExtension: boolean;
  /** Several consumers (in one process or many) share a queue without double delivery inside a lease. */
  readonly concurrentConsumers: boolean;
  /** Work held by a consumer that died is delivered again once its lease expires. */
  readonly crashRecovery: boolean;
  /** Each message of a batch can be settled on its own (ack one, retry another). */
  readonly perMessageSettle: boolean;
  /** `queue.pull()`: a one-shot fetch-process-settle for cron-style use. */
  readonly pull: boolean;
  /**
   * Every delivery carries its own copy of the payload as it was published (it went through a
   * serializer): mutating the published object or a delivered payload changes no later delivery,
   * and a payload that cannot be serialized is refused at publish with a ValidationError.
   */
  readonly isolatedPayloads: boolean;
  /**
   * `publish(…, { transaction })` writes the messages in the caller's own database transaction
   * (a Prisma interactive transaction, a MongoDB session): they become visible to consumers when
   * it commits, and vanish if it rolls back (the transactional outbox).
   */
  readonly transactionalPublish: boolean;
  /**
   * A queue has a capacity: a publish that would exceed it waits for room (`onFull: 'wait'`, the
   * default) or throws `QueueFullError` (`onFull: 'reject'`), and `signal` aborts the wait.
   */
  readonly backpressure: boolean;
}

export type CapabilityName = keyof Capabilities;

/** Why a provider does not have a capability, printed by the testkit next to each skipped case. */
export type CapabilityNotes = Partial<Record<CapabilityName, string>>;

export const CAPABILITY_NAMES: readonly CapabilityName[] = [
  'delay',
  'expiry',
  'dedupe',
  'ordering',
  'persistence',
  'deadLetterStore',
  'leaseExtension',
  'concurrentConsumers',
  'crashRecovery',
  'perMessageSettle',
  'pull',
  'isolatedPayloads',
  'transactionalPublish',
  'backpressure',
];

/** Every capability but the ones named: how a provider says what it lacks. Frozen. */
export function capabilitiesExcept(missing: readonly CapabilityName[]): Capabilities {
  const out = {} as Record<CapabilityName, boolean>;
  for (const name of CAPABILITY_NAMES) out[name] = !missing.includes(name);
  return Object.freeze(out);
}
