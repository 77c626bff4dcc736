// Contracts
export type { Message, OutgoingMessage, NewMessage, QueueRegistry, QueueName, PayloadOf, Headers } from './contracts/message.js';
export type { Capabilities, CapabilityName, CapabilityNotes } from './contracts/capabilities.js';
export { CAPABILITY_NAMES, capabilitiesExcept } from './contracts/capabilities.js';
export type { Outcome, AckOutcome, RetryOutcome, DeadLetterOutcome } from './contracts/outcome.js';
export { ack, retry, deadLetter } from './contracts/outcome.js';
export type { Processor, ProcessorContext, ProcessorResult } from './contracts/processor.js';
export type {
  Queue,
  PublishOptions,
  PublishResult,
  DuplicateRef,
  ConsumeOptions,
  PullOptions,
  PullResult,
  Consumer,
  ConsumerState,
  CloseOptions,
  QueueStats,
} from './contracts/queue.js';
export type { DeadLetter, DeadLetterListOptions, DeadLetterPage, DeadLetterSelector, DeadLetterStore } from './contracts/dead-letter.js';
export type {
  QueueProvider,
  ProviderContext,
  ReceiverOptions,
  Receiver,
  Claim,
  Settlement,
  SettleResult,
  RetrySettlement,
  DeadLetterSettlement,
} from './contracts/provider.js';

// Wiring
export { createQueue } from './create-queue.js';
export type { QueueConfig } from './config.js';
export { fromEnv } from './from-env.js';
export { eachMessage } from './each-message.js';

// Errors
export * from './errors/index.js';

// Retry
export { DEFAULT_RETRY_POLICY, resolveRetryPolicy, backoffDelay, type RetryPolicy, type RetryPolicyInput, type BackoffKind } from './retry/retry-policy.js';
export { decideFailure, type FailureDecision, type DeadLetterReason } from './retry/failure-decision.js';

// Lifecycle
export { Lifecycle, type LifecycleOptions, type LifecycleErrorHandler } from './lifecycle/lifecycle.js';
export { emitExpired, emitPoisonPill, emitUndecodable } from './lifecycle/provider-events.js';
export type {
  LifecycleEvents,
  LifecycleEventName,
  LifecycleListener,
  LifecycleHandler,
  AnyLifecycleEvent,
  LeaseEvent,
  StopReason,
} from './lifecycle/events.js';

// Runtime pieces providers may reuse
export { DEFAULT_CONSUME_SETTINGS, type ConsumeSettings } from './runtime/consume-settings.js';
export { validateQueueName } from './runtime/publish-input.js';
export { QueueWake } from './runtime/queue-wake.js';
export { resolveDeclaredQueues, checkDeclaredQueue, withTimeout } from './runtime/provider-support.js';

// Injectables
export { systemClock, type Clock } from './util/clock.js';
export { createIdGenerator, type IdGenerator } from './util/ids.js';
export { noopLogger, type Logger } from './util/logger.js';
export { sleep } from './util/sleep.js';
export { monotonicNow } from './util/monotonic.js';
export { linkSignals, type LinkedSignal } from './util/linked-signal.js';
export { optionalInt, optionalNumber, optionalBoolean, optionalOneOf, requireObject, rejectUnknownKeys } from './util/validate.js';
export { encodeJsonPayload, decodeJsonPayload } from './util/json-payload.js';
