import { ClosedError } from '../errors/closed-error.js';
import { ValidationError } from '../errors/validation-error.js';
import type { ResolvedConfig } from '../config.js';
import type { Capabilities } from '../contracts/capabilities.js';
import type { DeadLetterStore } from '../contracts/dead-letter.js';
import type { OutgoingMessage, PayloadOf, QueueName } from '../contracts/message.js';
import type { Processor } from '../contracts/processor.js';
import type { Receiver } from '../contracts/provider.js';
import type { CloseOptions, ConsumeOptions, Consumer, PublishOptions, PublishResult, PullOptions, PullResult, Queue, QueueStats } from '../contracts/queue.js';
import type { Lifecycle } from '../lifecycle/lifecycle.js';
import { abortedSignal, sleep } from '../util/sleep.js';
import { buildMessages, validatePublishOptions, validateQueueName } from './build-messages.js';
import { validateListOptions, validateSelector } from './dead-letter-input.js';
import { ClaimRun, type ClaimRunDeps } from './claim-run.js';
import { CONSUME_KEYS, PULL_KEYS, resolveConsumeSettings } from './consume-settings.js';
import { releaseAll } from './outcome-settlement.js';
import { QueueConsumer } from './queue-consumer.js';

const DEFAULT_CLOSE_TIMEOUT_MS = 30_000;
const LIFECYCLE_FLUSH_MS = 1_000;

type QueueState = 'open' | 'closing' | 'closed';

/** The {@link Queue} every provider gets: validation, consumers, pulls, events and close, written once. */
export class MqkitQueue implements Queue {
  readonly provider: string;
  readonly capabilities: Capabilities;
  readonly lifecycle: Lifecycle;
  readonly deadLetters: DeadLetterStore;
  #state: QueueState = 'open';
  #closing: Promise<void> | undefined;
  readonly #config: ResolvedConfig;
  readonly #consumers = new Set<QueueConsumer>();
  readonly #pulls = new Set<ClaimRun>();
  /** Receivers of pulls still waiting for a message: close() ends their wait. */
  readonly #pullReceivers = new Set<Receiver>();

  constructor(config: ResolvedConfig) {
    this.#config = config;
    this.provider = config.provider.name;
    this.capabilities = config.provider.capabilities;
    this.lifecycle = config.lifecycle;
    const store = config.provider.deadLetters;
    const check = (queue: string): void => {
      this.#assertOpen('deadLetters');
      validateQueueName(queue);
    };
    this.deadLetters = {
      list: (queue, options) => (check(queue), validateListOptions(options), store.list(queue, options)),
      replay: async (queue, selector) => {
        check(queue);
        validateSelector(selector, 'deadLetters.replay');
        const result = await store.replay(queue, selector);
        if (result.replayed > 0 && this.lifecycle.has('message.replayed')) {
          this.lifecycle.emit('message.replayed', { queue, count: result.replayed, at: config.clock.now() });
        }
        return result;
      },
      purge: (queue, selector) => (check(queue), validateSelector(selector, 'deadLetters.purge'), store.purge(queue, selector)),
    };
  }

  async publish(queue: string, messages: OutgoingMessage | readonly OutgoingMessage[], options: PublishOptions = {}): Promise<PublishResult> {
    // Allowed while closing: processors still draining may publish follow-up messages.
    this.#assertOpen('publish', true);
    validateQueueName(queue);
    const { clock, ids, provider, lifecycle } = this.#config;
    validatePublishOptions(options);
    const now = clock.now();
    const built = buildMessages(queue, messages, now, ids);
    const result = await provider.publish(queue, built, options);
    if (lifecycle.has('message.published')) {
      const dup = result.duplicates.length;
      const published = dup === 0 ? built : built.filter((_, i) => !result.duplicates.some((d) => d.index === i));
      lifecycle.emit('message.published', { queue, messages: published, duplicates: dup, at: now });
    }
    return result;
  }

  consume<Q extends QueueName>(queue: Q, processor: Processor<PayloadOf<Q>>, options: ConsumeOptions = {}): Consumer {
    this.#assertOpen('consume');
    validateQueueName(queue);
    assertProcessor(processor);
    const deps = this.#runDeps(queue, processor as Processor, options, 'consume', CONSUME_KEYS);
    const consumer = new QueueConsumer(deps, options.signal, (c) => this.#consumers.delete(c));
    this.#consumers.add(consumer);
    return consumer;
  }

  async pull<Q extends QueueName>(queue: Q, processor: Processor<PayloadOf<Q>>, options: PullOptions = {}): Promise<PullResult> {
    this.#assertOpen('pull');
    validateQueueName(queue);
    assertProcessor(processor);
    const { max = 1, waitMs = 0, signal, ...rest } = options;
    if (!Number.isInteger(max) || max < 1) throw new ValidationError('pull.max', `expected an integer ≥ 1, got ${String(max)}`, 'pass max: 1 or more');
    if (typeof waitMs !== 'number' || !(waitMs >= 0)) throw new ValidationError('pull.waitMs', `expected ms ≥ 0, got ${String(waitMs)}`, 'pass waitMs: 0 or more');
    const deps = this.#runDeps(queue, processor as Processor, rest, 'pull', PULL_KEYS);
    const wait = waitMs === 0 ? abortedSignal() : signal ? AbortSignal.any([signal, AbortSignal.timeout(waitMs)]) : AbortSignal.timeout(waitMs);
    this.#pullReceivers.add(deps.receiver);
    try {
      const claim = await deps.receiver.receive(max, wait);
      this.#pullReceivers.delete(deps.receiver);
      if (claim !== null && this.#state !== 'open') {
        // close() raced the wait: hand the messages back untouched.
        await deps.receiver.settle(claim, releaseAll(claim.messages));
        return { received: 0, acked: 0, retried: 0, deadLettered: 0, interrupted: false };
      }
      if (claim === null) return { received: 0, acked: 0, retried: 0, deadLettered: 0, interrupted: false };
      const run = new ClaimRun(deps, claim);
      this.#pulls.add(run);
      run.start();
      const summary = await run.done;
      this.#pulls.delete(run);
      return {
        received: claim.messages.length,
        acked: summary.acked,
        retried: summary.retried,
        deadLettered: summary.deadLettered,
        interrupted: summary.interrupted,
      };
    } finally {
      this.#pullReceivers.delete(deps.receiver);
      await deps.receiver.close();
    }
  }

  stats(queue: string): Promise<QueueStats> {
    this.#assertOpen('stats');
    validateQueueName(queue);
    return this.#config.provider.stats(queue);
  }

  close(options: CloseOptions = {}): Promise<void> {
    this.#closing ??= this.#close(options.timeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS);
    return this.#closing;
  }

  async #close(timeoutMs: number): Promise<void> {
    this.#state = 'closing';
    await Promise.all([...this.#pullReceivers].map((receiver) => receiver.close()));
    const deadline = new AbortController();
    const pulls = Promise.all([...this.#pulls].map((run) => run.done));
    await Promise.all([
      ...[...this.#consumers].map((consumer) => consumer.stopWith('close', timeoutMs)),
      Promise.race([pulls, sleep(timeoutMs, deadline.signal)]).then(() => {
        for (const run of this.#pulls) run.abortForShutdown();
      }),
    ]);
    deadline.abort();
    await Promise.all([...this.#pulls].map((run) => run.done));
    await this.lifecycle.flush(Math.min(LIFECYCLE_FLUSH_MS, timeoutMs));
    this.#state = 'closed';
    await this.#config.provider.close();
  }

  #runDeps(queue: string, processor: Processor, options: Record<string, unknown> | ConsumeOptions, field: string, keys: readonly string[]): ClaimRunDeps {
    const { provider, lifecycle, clock, logger, ids, defaults, random } = this.#config;
    const settings = resolveConsumeSettings(options, field, defaults, keys);
    if (settings.ordered && !provider.capabilities.ordering) {
      throw new ValidationError(`${field}.ordered`, `provider "${provider.name}" cannot order by partition key`, 'drop ordered: true or use a provider with the ordering capability');
    }
    const consumerId = (options as ConsumeOptions).consumerId ?? `${queue}-${ids()}`;
    return {
      queue,
      consumerId,
      receiver: provider.receiver(queue, { consumerId, leaseMs: settings.leaseMs, maxAttempts: settings.retry.maxAttempts, ordered: settings.ordered }),
      processor,
      settings,
      renewLeases: provider.capabilities.leaseExtension,
      lifecycle,
      clock,
      logger,
      random,
    };
  }

  #assertOpen(what: string, whileClosing = false): void {
    if (this.#state === 'open' || (whileClosing && this.#state === 'closing')) return;
    throw new ClosedError(`${what}()`, { source: this.provider });
  }
}

function assertProcessor(processor: unknown): void {
  if (typeof processor !== 'function') {
    throw new ValidationError('processor', 'is not a function', 'pass async (messages, ctx) => { … }');
  }
}
