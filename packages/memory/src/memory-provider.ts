import {
  ClosedError,
  ConfigError,
  QueueFullError,
  UnknownQueueError,
  ValidationError,
  emitExpired,
  emitPoisonPill,
  encodeJsonPayload,
  linkSignals,
  type Capabilities,
  type CapabilityNotes,
  type DeadLetter,
  type DeadLetterStore,
  type Message,
  type NewMessage,
  type ProviderContext,
  type PublishOptions,
  type PublishResult,
  type QueueProvider,
  type QueueStats,
  type Receiver,
  type ReceiverOptions,
  capabilitiesExcept,
} from '@mqkit/core';
import { resolveMemoryOptions, type MemoryOptions, type ResolvedMemoryOptions } from './memory-options.js';
import { MemoryReceiver, type ReceiverHost } from './memory-receiver.js';
import type { MemoryQueue } from './store/memory-queue.js';


type State = 'new' | 'open' | 'crashed' | 'closed';

/**
 * The in-process provider: every capability but persistence (messages live in this process's
 * memory). Payloads are passed by reference, or stored as JSON with `serialization: 'json'`.
 */
export class MemoryProvider implements QueueProvider, ReceiverHost {
  readonly name = 'memory';
  readonly capabilities: Capabilities;
  readonly capabilityNotes: CapabilityNotes;
  readonly deadLetters: DeadLetterStore;
  readonly #options: ResolvedMemoryOptions;
  readonly #receivers = new Set<MemoryReceiver>();
  #state: State = 'new';
  /** Aborted by close(): publishers waiting for room get a ClosedError instead of hanging. */
  readonly #closing = new AbortController();
  #context: ProviderContext | undefined;

  constructor(options?: MemoryOptions) {
    this.#options = resolveMemoryOptions(options);
    const json = this.#options.serialization === 'json';
    this.capabilities = capabilitiesExcept(json ? ['transactionalPublish', 'persistence'] : ['transactionalPublish', 'persistence', 'isolatedPayloads']);
    this.capabilityNotes = {
      persistence: 'messages live in this process and are lost when it exits',
      transactionalPublish: 'there is no database transaction to publish in',
      ...(json ? {} : { isolatedPayloads: "payloads are passed by reference; use memory({ serialization: 'json' }) for copies" }),
    };
    this.deadLetters = {
      list: async (queue, options = {}) => this.#store(queue).listDead(options.limit ?? 100, options.cursor),
      replay: async (queue, selector) => ({ replayed: this.#store(queue).replayDead(selector) }),
      purge: async (queue, selector) => ({ purged: this.#store(queue).purgeDead(selector) }),
    };
  }

  get alive(): boolean {
    return this.#state === 'open';
  }

  open(context: ProviderContext): Promise<void> {
    if (this.#state !== 'new') {
      throw new ConfigError('provider', 'this memory provider was already opened by a queue', 'call memory() once per createQueue(); share storage with memory({ broker })', { source: 'memory' });
    }
    // Attach first: a refused attach (dedupe window mismatch) must leave this provider unopened,
    // so closing it cannot detach it and stop the timers of the providers really on the broker.
    this.#options.broker.attach(() => context.clock.now(), this.#options.dedupeWindowMs);
    this.#context = context;
    this.#state = 'open';
    return Promise.resolve();
  }

  async publish(queue: string, messages: readonly NewMessage[], options: PublishOptions): Promise<PublishResult> {
    this.assertAlive();
    const store = this.#store(queue);
    // Encode first: a payload that cannot be stored is refused before waiting for room.
    const encoded = this.#options.serialization === 'json' ? messages.map((m, i) => encodeJsonPayload(m.payload, i, 'memory')) : undefined;
    const { capacity } = this.#options;
    if (messages.length > capacity) {
      throw new ValidationError('messages', `a batch of ${messages.length} is larger than the queue's capacity ${capacity}`, 'publish smaller batches or raise memory({ capacity })', { source: 'memory' });
    }
    let reserved = 0;
    if (store.publishersWaiting || store.size + store.reserved + messages.length > capacity) {
      if (options.onFull === 'reject') throw new QueueFullError(queue, capacity, { source: 'memory' });
      const link = linkSignals([options.signal, this.#closing.signal]);
      try {
        await store.waitForSpace(messages.length, capacity, link.signal);
      } finally {
        link.dispose();
      }
      reserved = messages.length;
    }
    try {
      this.assertAlive();
      // In 'json' mode nothing the publisher keeps a reference to is stored: headers are copied too.
      return store.insert(encoded === undefined ? messages : messages.map((m) => ({ ...m, headers: { ...m.headers } })), encoded);
    } finally {
      if (reserved > 0) store.unreserve(reserved);
    }
  }

  receiver(queue: string, options: ReceiverOptions): Receiver {
    const receiver = new MemoryReceiver(this.#store(queue), this, options);
    this.#receivers.add(receiver);
    const close = receiver.close.bind(receiver);
    receiver.close = () => {
      this.#receivers.delete(receiver);
      return close();
    };
    return receiver;
  }

  async stats(queue: string): Promise<QueueStats> {
    return this.#store(queue).stats();
  }

  close(): Promise<void> {
    if (this.#state === 'open' || this.#state === 'crashed') this.#options.broker.detach();
    this.#state = 'closed';
    this.#closing.abort(new ClosedError('publish() waiting for room', { source: 'memory' }));
    return Promise.resolve();
  }

  /**
   * For crash tests: this provider dies on the spot, like a killed process. Its receivers stop
   * getting messages, its settlements and lease renewals fail, and the leases it holds are left to
   * expire, so other providers on the same broker get the messages again.
   */
  simulateCrash(): void {
    if (this.#state !== 'open') return;
    this.#state = 'crashed';
    for (const receiver of this.#receivers) receiver.freeze();
  }

  assertAlive(): void {
    if (this.#state === 'open') return;
    if (this.#state === 'crashed') throw new Error('[mqkit] [memory] this provider crashed (simulateCrash): a dead process settles nothing');
    throw new ClosedError('use of a memory provider', { source: 'memory' });
  }

  expired(queue: string, message: Message, now: number): void {
    if (this.#context !== undefined) emitExpired(this.#context.lifecycle, queue, message, now);
  }

  poisonPill(queue: string, letter: DeadLetter, now: number): void {
    if (this.#context !== undefined) emitPoisonPill(this.#context.lifecycle, queue, letter, now);
  }

  #store(queue: string): MemoryQueue {
    const declared = this.#options.queues;
    if (declared !== undefined && !declared.has(queue)) {
      throw new UnknownQueueError(queue, `declare it in memory({ queues: [...] }) or use one of: ${[...declared].join(', ')}`, { source: 'memory' });
    }
    return this.#options.broker.store(queue);
  }
}

/** The embedded provider: `createQueue({ provider: memory() })`. See {@link MemoryOptions}. */
export function memory(options?: MemoryOptions): MemoryProvider {
  return new MemoryProvider(options);
}
