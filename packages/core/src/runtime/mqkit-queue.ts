import { ClosedError } from '../errors/closed-error.js';
import { ValidationError } from '../errors/validation-error.js';
import type { ResolvedConfig } from '../config.js';
import type { Capabilities } from '../contracts/capabilities.js';
import type { DeadLetterStore } from '../contracts/dead-letter.js';
import type { OutgoingMessage, PayloadOf, QueueName } from '../contracts/message.js';
import type { Processor } from '../contracts/processor.js';
import type { Claim, Receiver } from '../contracts/provider.js';
import type { CloseOptions, ConsumeOptions, Consumer, PublishOptions, PublishResult, PullOptions, PullResult, Queue, QueueStats } from '../contracts/queue.js';
import type { Lifecycle } from '../lifecycle/lifecycle.js';
import { linkSignals, timeoutSignal, type LinkedSignal } from '../util/linked-signal.js';
import { abortedSignal, sleep } from '../util/sleep.js';
import { bounded, CLEANUP_GRACE_MS } from './bounded.js';
import { buildMessages } from './build-messages.js';
import { ClaimRun, type ClaimRunDeps } from './claim-run.js';
import { CONSUME_KEYS, PULL_KEYS, resolveConsumeSettings } from './consume-settings.js';
import { DeadLettersFacade } from './dead-letters-facade.js';
import { releaseAll } from './outcome-settlement.js';
import { validatePublishOptions, validateQueueName } from './publish-input.js';
import { QueueConsumer } from './queue-consumer.js';

const DEFAULT_CLOSE_TIMEOUT_MS = 30_000;
const LIFECYCLE_FLUSH_MS = 1_000;

/** A pull that took nothing. */
const NOTHING_PULLED: PullResult = Object.freeze({ received: 0, acked: 0, retried: 0, deadLettered: 0, interrupted: false });

type QueueState = 'open' | 'closing' | 'closed';

/** A pull waiting for its first message: close() ends the wait. */
interface WaitingPull {
  readonly queue: string;
  readonly consumerId: string;
  readonly receiver: Receiver;
}

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
  readonly #waitingPulls = new Set<WaitingPull>();
  /** Resolves once close() has told waiting pulls to stop waiting (their receive may hang). */
  readonly #pullsReleased: Promise<null>;
  #releasePulls!: () => void;

  constructor(config: ResolvedConfig) {
    this.#config = config;
    this.provider = config.provider.name;
    this.capabilities = config.provider.capabilities;
    this.lifecycle = config.lifecycle;
    this.deadLetters = new DeadLettersFacade(config.provider.deadLetters, config.lifecycle, config.clock, (what) => this.#assertOpen(what));
    this.#pullsReleased = new Promise((resolve) => (this.#releasePulls = () => resolve(null)));
  }

  async publish(queue: string, messages: OutgoingMessage | readonly OutgoingMessage[], options: PublishOptions = {}): Promise<PublishResult> {
    // Allowed while closing: processors still draining may publish follow-up messages.
    this.#assertOpen('publish', true);
    validateQueueName(queue);
    const { clock, ids, provider, lifecycle } = this.#config;
    validatePublishOptions(options, provider.name, provider.capabilities.transactionalPublish);
    const now = clock.now();
    const built = buildMessages(queue, messages, now, ids);
    const result = await provider.publish(queue, built, options);
    if (lifecycle.has('message.published')) {
      const dup = result.duplicates.length;
      const published = dup === 0 ? built : built.filter((_, i) => !result.duplicates.some((d) => d.index === i));
      lifecycle.emit('message.published', { queue, messages: published, duplicates: dup, transactional: options.transaction !== undefined, at: now });
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
    const waiting: WaitingPull = { queue, consumerId: deps.consumerId, receiver: deps.receiver };
    const links: LinkedSignal[] = [];
    let wait: AbortSignal;
    if (waitMs === 0) wait = abortedSignal();
    else {
      links.push(timeoutSignal(waitMs));
      if (signal !== undefined) links.push(linkSignals([signal, links[0]!.signal]));
      wait = links[links.length - 1]!.signal;
    }
    this.#waitingPulls.add(waiting);
    try {
      const receiving = this.#receive(deps.receiver, max, wait);
      const claim = await Promise.race([receiving, this.#pullsReleased]);
      if (claim === null && this.#state !== 'open') {
        // close() stopped waiting for a receive that did not end: a claim it still brings goes back.
        void receiving.then((late) => (late === null ? undefined : this.#giveBack(waiting, late)), () => undefined);
      }
      this.#waitingPulls.delete(waiting);
      for (const link of links) link.dispose();
      if (claim === null) return NOTHING_PULLED;
      if (this.#state !== 'open') {
        // close() raced the wait: hand the messages back untouched.
        await this.#giveBack(waiting, claim);
        return NOTHING_PULLED;
      }
      const run = new ClaimRun(deps, claim);
      this.#pulls.add(run);
      run.start();
      const summary = await run.done;
      this.#pulls.delete(run);
      return { received: claim.messages.length, ...summary };
    } finally {
      this.#waitingPulls.delete(waiting);
      for (const link of links) link.dispose();
      await this.#cleanup(waiting, 'close', () => deps.receiver.close(), "closing a pull's receiver");
    }
  }

  async stats(queue: string): Promise<QueueStats> {
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
    const { lifecycle, provider, logger } = this.#config;
    try {
      await Promise.all([...this.#waitingPulls].map((pull) => this.#cleanup(pull, 'close', () => pull.receiver.close(), "closing a waiting pull's receiver")));
      this.#releasePulls();
      const deadline = new AbortController();
      const pulls = Promise.all([...this.#pulls].map((run) => run.done));
      await Promise.all([
        ...[...this.#consumers].map((consumer) => consumer.stopWith('close', timeoutMs)),
        Promise.race([pulls, sleep(timeoutMs, deadline.signal)]).then(() => {
          for (const run of this.#pulls) run.abortForShutdown();
        }),
      ]);
      deadline.abort();
      const settled = await bounded(() => Promise.all([...this.#pulls].map((run) => run.done)), CLEANUP_GRACE_MS);
      if (settled.kind === 'timed-out') logger.warn('pulls still settling a second after the close deadline were given up; their messages come back when their leases expire');
      await lifecycle.flush(Math.min(LIFECYCLE_FLUSH_MS, timeoutMs));
    } catch (error) {
      logger.error('close() met an unexpected error; closing the provider anyway', { error });
    }
    this.#state = 'closed';
    const closed = await bounded(() => provider.close(), CLEANUP_GRACE_MS);
    if (closed.kind === 'failed') logger.error(`closing provider "${provider.name}" failed`, { error: closed.error });
    else if (closed.kind === 'timed-out') logger.error(`closing provider "${provider.name}" did not finish within ${CLEANUP_GRACE_MS} ms; given up`);
  }

  /** `receive`, with a synchronous throw turned into a rejection. */
  async #receive(receiver: Receiver, max: number, signal: AbortSignal): Promise<Claim | null> {
    return receiver.receive(max, signal);
  }

  async #giveBack(pull: WaitingPull, claim: Claim): Promise<void> {
    await this.#cleanup(pull, 'settle', () => pull.receiver.settle(claim, releaseAll(claim.messages)), 'giving back a batch a pull received while the queue closed');
  }

  /** A cleanup call that may fail or hang: bounded, and reported instead of thrown. */
  async #cleanup(pull: WaitingPull, operation: string, work: () => Promise<unknown>, what: string): Promise<void> {
    const result = await bounded(work, CLEANUP_GRACE_MS);
    if (result.kind === 'ok') return;
    const { lifecycle, logger, clock } = this.#config;
    const error = result.kind === 'failed' ? result.error : new Error(`[mqkit] ${what}: no answer within ${CLEANUP_GRACE_MS} ms; given up`);
    logger.warn(`${what} failed`, { queue: pull.queue, consumerId: pull.consumerId, error });
    if (lifecycle.has('consumer.error')) {
      lifecycle.emit('consumer.error', { queue: pull.queue, consumerId: pull.consumerId, error, operation, retryInMs: undefined, at: clock.now() });
    }
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
      perMessageSettle: provider.capabilities.perMessageSettle,
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
