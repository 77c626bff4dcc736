import type { StopReason } from '../lifecycle/events.js';
import type { Claim, Receiver } from '../contracts/provider.js';
import type { Consumer, ConsumerState, CloseOptions } from '../contracts/queue.js';
import { sleep } from '../util/sleep.js';
import { ClaimRun, type ClaimRunDeps } from './claim-run.js';
import { eventLoopGate } from './event-loop-gate.js';
import { releaseAll } from './outcome-settlement.js';

const MAX_ERROR_BACKOFF_MS = 5_000;

/**
 * A running consumer: `concurrency` slot loops, each receiving a claim and running it to the end
 * before taking the next. Provider errors never end the loop: they are reported and retried with
 * backoff. Stopping follows the contract in {@link Consumer.stop}.
 */
export class QueueConsumer implements Consumer {
  readonly id: string;
  readonly queue: string;
  readonly stopped: Promise<StopReason>;
  #state: ConsumerState = 'running';
  readonly #deps: ClaimRunDeps;
  readonly #receiver: Receiver;
  readonly #fetching = new AbortController();
  readonly #runs = new Set<ClaimRun>();
  readonly #slots: Promise<void>[] = [];
  #stopping: Promise<void> | undefined;
  #resolveStopped!: (reason: StopReason) => void;
  readonly #onSignal: (() => void) | undefined;
  readonly #signal: AbortSignal | undefined;

  constructor(deps: ClaimRunDeps, signal: AbortSignal | undefined, private readonly onStopped: (consumer: QueueConsumer) => void) {
    this.#deps = deps;
    this.#receiver = deps.receiver;
    this.id = deps.consumerId;
    this.queue = deps.queue;
    this.stopped = new Promise((resolve) => (this.#resolveStopped = resolve));
    const { lifecycle, settings, clock } = deps;
    if (lifecycle.has('consumer.started')) {
      lifecycle.emit('consumer.started', {
        queue: this.queue,
        consumerId: this.id,
        concurrency: settings.concurrency,
        batchSize: settings.batchSize,
        at: clock.now(),
      });
    }
    for (let i = 0; i < settings.concurrency; i++) this.#slots.push(this.#slot());
    this.#signal = signal;
    if (signal) {
      this.#onSignal = () => void this.stopWith('signal', settings.shutdownTimeoutMs);
      if (signal.aborted) this.#onSignal();
      else signal.addEventListener('abort', this.#onSignal, { once: true });
    }
  }

  get state(): ConsumerState {
    return this.#state;
  }

  stop(options: CloseOptions = {}): Promise<void> {
    return this.stopWith('stop', options.timeoutMs ?? this.#deps.settings.shutdownTimeoutMs);
  }

  /** Idempotent: the first call's reason and deadline win. */
  stopWith(reason: StopReason, timeoutMs: number): Promise<void> {
    this.#stopping ??= this.#shutdown(reason, timeoutMs);
    return this.#stopping;
  }

  async #slot(): Promise<void> {
    const { batchSize } = this.#deps.settings;
    let failures = 0;
    while (this.#state === 'running') {
      let claim: Claim | null;
      try {
        claim = await this.#receiver.receive(batchSize, this.#fetching.signal);
        failures = 0;
      } catch (error) {
        failures++;
        await this.#backoff(error, failures);
        continue;
      }
      if (claim === null) {
        if (this.#fetching.signal.aborted) break;
        // The SPI allows null only on abort; a provider that breaks that rule must not spin this
        // slot in microtasks and freeze the process: give the event loop a turn first.
        await new Promise<void>((resolve) => setImmediate(resolve));
        continue;
      }
      if (this.#state !== 'running') {
        // Raced with stop(): give the batch back untouched.
        await this.#receiver.settle(claim, releaseAll(claim.messages)).catch(() => undefined);
        break;
      }
      const run = new ClaimRun(this.#deps, claim);
      this.#runs.add(run);
      run.start();
      await run.finished;
      this.#runs.delete(run);
      // Let timers and I/O in after ~10 ms of back-to-back claims (see EventLoopGate).
      const turn = eventLoopGate.pass();
      if (turn !== undefined) await turn;
    }
  }

  async #backoff(error: unknown, failures: number): Promise<void> {
    const { lifecycle, clock, logger } = this.#deps;
    const retryInMs = Math.min(MAX_ERROR_BACKOFF_MS, 50 * 2 ** Math.min(failures, 10));
    logger.warn('receive failed; retrying', { queue: this.queue, consumerId: this.id, error, retryInMs });
    if (lifecycle.has('consumer.error')) {
      lifecycle.emit('consumer.error', { queue: this.queue, consumerId: this.id, error, operation: 'receive', retryInMs, at: clock.now() });
    }
    await sleep(retryInMs, this.#fetching.signal);
  }

  async #shutdown(reason: StopReason, timeoutMs: number): Promise<void> {
    this.#state = 'stopping';
    this.#fetching.abort();
    if (this.#signal && this.#onSignal) this.#signal.removeEventListener('abort', this.#onSignal);
    const drained = Promise.all(this.#slots).then(() => true);
    const deadline = new AbortController();
    const inTime = await Promise.race([drained, sleep(timeoutMs, deadline.signal).then(() => false)]);
    deadline.abort();
    let abandoned = 0;
    if (!inTime) {
      for (const run of this.#runs) {
        if (run.processing) {
          abandoned++;
          run.abortForShutdown();
        }
      }
    }
    await Promise.all([...this.#runs].map((run) => run.done));
    await this.#receiver.close().catch((error: unknown) => this.#deps.logger.warn('closing a receiver failed', { error }));
    this.#state = 'stopped';
    const { lifecycle, clock } = this.#deps;
    if (lifecycle.has('consumer.stopped')) {
      lifecycle.emit('consumer.stopped', { queue: this.queue, consumerId: this.id, reason, abandoned, at: clock.now() });
    }
    this.onStopped(this);
    this.#resolveStopped(reason);
  }
}
