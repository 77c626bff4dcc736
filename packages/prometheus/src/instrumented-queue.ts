import type {
  Clock,
  CloseOptions,
  ConsumeOptions,
  Consumer,
  OutgoingMessage,
  PayloadOf,
  Processor,
  PublishOptions,
  PublishResult,
  PullOptions,
  PullResult,
  Queue,
  QueueName,
  QueueStats,
} from '@mqkit/core';

export interface InstrumentOptions {
  /** Queue names whose `queue.stats()` is collected at every scrape (depth by state, oldest ready message). Default: none. */
  readonly stats?: readonly string[];
}

interface Hooks {
  readonly clock: Clock;
  readonly onPublishFailed: (queue: string, messages: number, seconds: number, error: unknown) => void;
  readonly onClose: () => void;
}

/**
 * The queue, with its failed publishes reported (lifecycle events report only successful ones)
 * and its scrape-time stats stopped at `close()`. Everything else is the queue's own.
 */
export class InstrumentedQueue implements Queue {
  readonly #queue: Queue;
  readonly #hooks: Hooks;

  constructor(queue: Queue, hooks: Hooks) {
    this.#queue = queue;
    this.#hooks = hooks;
  }

  get provider(): string {
    return this.#queue.provider;
  }
  get capabilities(): Queue['capabilities'] {
    return this.#queue.capabilities;
  }
  get lifecycle(): Queue['lifecycle'] {
    return this.#queue.lifecycle;
  }
  get deadLetters(): Queue['deadLetters'] {
    return this.#queue.deadLetters;
  }

  async publish<Q extends QueueName>(
    queue: Q,
    messages: OutgoingMessage<PayloadOf<Q>> | readonly OutgoingMessage<PayloadOf<Q>>[],
    options?: PublishOptions,
  ): Promise<PublishResult> {
    const started = this.#now();
    try {
      return await this.#queue.publish(queue, messages, options);
    } catch (error) {
      const count = Array.isArray(messages) ? messages.length : 1;
      const ended = this.#now();
      // Metrics must never change what publish does: a broken clock or hook is the listener's problem.
      if (typeof queue === 'string') this.#hooks.onPublishFailed(queue, count, Math.max(0, ended - started) / 1000, error);
      throw error;
    }
  }

  consume<Q extends QueueName>(queue: Q, processor: Processor<PayloadOf<Q>>, options?: ConsumeOptions): Consumer {
    return this.#queue.consume(queue, processor, options);
  }

  pull<Q extends QueueName>(queue: Q, processor: Processor<PayloadOf<Q>>, options?: PullOptions): Promise<PullResult> {
    return this.#queue.pull(queue, processor, options);
  }

  stats(queue: string): Promise<QueueStats> {
    return this.#queue.stats(queue);
  }

  /** The clock, or NaN when it throws (the duration is then not recorded). */
  #now(): number {
    try {
      return this.#hooks.clock.now();
    } catch {
      return Number.NaN;
    }
  }

  close(options?: CloseOptions): Promise<void> {
    this.#hooks.onClose();
    return this.#queue.close(options);
  }
}
