import type { StopReason } from '../lifecycle/events.js';
import type { Claim, Receiver } from '../contracts/provider.js';
import type { Consumer, ConsumerState, CloseOptions } from '../contracts/queue.js';
import { sleep } from '../util/sleep.js';
import { bounded, CLEANUP_GRACE_MS } from './bounded.js';
import { ClaimRun, type ClaimRunDeps } from './claim-run.js';
import { eventLoopGate } from './event-loop-gate.js';
import { releaseAll } from './outcome-settlement.js';
import { calledFromProcessor } from './processor-frame.js';

const MAX_ERROR_BACKOFF_MS = 5_000;

/**
 * A running consumer: `concurrency` slot loops, each receiving a claim and running it to the end
 * before taking the next. Provider errors are reported and retried with backoff; only a receive
 * error that retrying cannot heal (`retryable: false`) stops the consumer (reason `'error'`).
 * Stopping follows the contract in {@link Consumer.stop}.
 */
export class QueueConsumer implements Consumer {
  readonly id: string;
  readonly queue: string;
  readonly stopped: Promise<StopReason>;
  #state: ConsumerState = 'running';
  #error: unknown;
  readonly #deps: ClaimRunDeps;
  readonly #receiver: Receiver;
  readonly #fetching = new AbortController();
  /**
   * The run each slot holds, by slot index. An array, not a Set: V8's hash tables rehash every few
   * additions, and an old table keeps pointers to its successor and to the runs it held — with
   * more than four slots that kept every claim's messages alive through scavenges until a full GC
   * (BACKLOG M8).
   */
  readonly #runs: (ClaimRun | undefined)[];
  /** Slots running a claim. */
  #busy = 0;
  /**
   * Receives in flight, and claims that arrived after stop() being given back: a counter, not a
   * Set of promises (see #runs). The shutdown waits for these before it closes the receiver.
   */
  #receiving = 0;
  #onNoReceives: (() => void) | undefined;
  #onIdle: (() => void) | undefined;
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
    this.#runs = new Array<ClaimRun | undefined>(settings.concurrency).fill(undefined);
    if (lifecycle.has('consumer.started')) {
      lifecycle.emit('consumer.started', {
        queue: this.queue,
        consumerId: this.id,
        concurrency: settings.concurrency,
        batchSize: settings.batchSize,
        at: clock.now(),
      });
    }
    for (let i = 0; i < settings.concurrency; i++) this.#startSlot(i);
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

  get error(): unknown {
    return this.#error;
  }

  stop(options: CloseOptions = {}): Promise<void> {
    const stopping = this.stopWith('stop', options.timeoutMs ?? this.#deps.settings.shutdownTimeoutMs);
    // From inside a processor, waiting for the drain would wait for the caller itself.
    if (this.#busy > 0 && this.#state !== 'stopped' && calledFromProcessor()) return Promise.resolve();
    return stopping;
  }

  /** Idempotent: the first call's reason and deadline win. */
  stopWith(reason: StopReason, timeoutMs: number, error?: unknown): Promise<void> {
    this.#stopping ??= this.#shutdown(reason, timeoutMs, error);
    return this.#stopping;
  }

  /** Starts slot `index`'s loop: receive a claim, run it to the end, again, until the consumer stops. */
  #startSlot(index: number): void {
    const slot: Slot = {
      index,
      failures: 0,
      next: () => this.#receiveNext(slot),
      onClaim: (claim) => this.#onClaim(slot, claim),
      onReceiveError: (error) => this.#onReceiveError(slot, error),
      onFinished: () => this.#onRunFinished(slot),
    };
    this.#receiveNext(slot);
  }

  #receiveNext(slot: Slot): void {
    if (this.#state !== 'running') return;
    let receiving: Promise<Claim | null>;
    try {
      receiving = this.#receiver.receive(this.#deps.settings.batchSize, this.#fetching.signal);
    } catch (error) {
      receiving = Promise.reject(error);
    }
    this.#receiving++;
    Promise.resolve(receiving).then(slot.onClaim, slot.onReceiveError);
  }

  #onReceiveError(slot: Slot, error: unknown): void {
    this.#receiveEnded();
    if (isPermanent(error)) {
      this.#reportReceiveFailure(error, undefined);
      void this.stopWith('error', this.#deps.settings.shutdownTimeoutMs, error);
      return;
    }
    slot.failures++;
    void this.#backoff(error, slot.failures).then(slot.next);
  }

  #onClaim(slot: Slot, claim: Claim | null): void {
    slot.failures = 0;
    if (claim === null) {
      this.#receiveEnded();
      if (this.#fetching.signal.aborted) return;
      // The SPI allows null only on abort; a provider that breaks that rule must not spin this
      // slot in microtasks and freeze the process: give the event loop a turn first.
      setImmediate(slot.next);
      return;
    }
    if (this.#state !== 'running') {
      // Raced with stop() (a claim statement already running when it came): give the batch back
      // untouched; the receive counts as in flight until then.
      void this.#giveBack(claim).then(() => this.#receiveEnded());
      return;
    }
    this.#receiveEnded();
    this.#busy++;
    const run = new ClaimRun(this.#deps, claim, slot.onFinished);
    this.#runs[slot.index] = run;
    run.start();
  }

  /** The slot's run is finished (settled and its processor returned): on to the next claim. */
  #onRunFinished(slot: Slot): void {
    const startedMono = this.#runs[slot.index]!.startedMono;
    this.#runs[slot.index] = undefined;
    this.#idle();
    // Let timers and I/O in after ~10 ms of back-to-back claims (see EventLoopGate).
    const turn = eventLoopGate.pass(startedMono);
    if (turn !== undefined) void turn.then(slot.next);
    else this.#receiveNext(slot);
  }

  #idle(): void {
    this.#busy--;
    if (this.#busy === 0) this.#onIdle?.();
  }

  #receiveEnded(): void {
    this.#receiving--;
    if (this.#receiving === 0) this.#onNoReceives?.();
  }

  /** Resolves when no receive is in flight and no late claim is being given back. */
  #whenNoReceives(): Promise<void> {
    if (this.#receiving === 0) return Promise.resolve();
    return new Promise((resolve) => (this.#onNoReceives = resolve));
  }

  async #giveBack(claim: Claim): Promise<void> {
    const result = await bounded(() => this.#receiver.settle(claim, releaseAll(claim.messages)), CLEANUP_GRACE_MS);
    if (result.kind === 'failed') this.#reportStopFailure('settle', result.error, 'giving back a batch that arrived after stop() failed; it comes back when its lease expires');
    else if (result.kind === 'timed-out') this.#reportStopFailure('settle', hung('settle()', 'a batch that arrived after stop()'), 'giving back a batch that arrived after stop() hung; it comes back when its lease expires');
  }

  async #backoff(error: unknown, failures: number): Promise<void> {
    const retryInMs = Math.min(MAX_ERROR_BACKOFF_MS, 50 * 2 ** Math.min(failures, 10));
    this.#reportReceiveFailure(error, retryInMs);
    await sleep(retryInMs, this.#fetching.signal);
  }

  #reportReceiveFailure(error: unknown, retryInMs: number | undefined): void {
    const { lifecycle, clock, logger } = this.#deps;
    if (retryInMs === undefined) logger.error('receive failed and retrying cannot help; stopping the consumer', { queue: this.queue, consumerId: this.id, error });
    else logger.warn('receive failed; retrying', { queue: this.queue, consumerId: this.id, error, retryInMs });
    if (lifecycle.has('consumer.error')) {
      lifecycle.emit('consumer.error', { queue: this.queue, consumerId: this.id, error, operation: 'receive', retryInMs, at: clock.now() });
    }
  }

  #reportStopFailure(operation: string, error: unknown, what: string): void {
    const { lifecycle, clock, logger } = this.#deps;
    logger.warn(what, { queue: this.queue, consumerId: this.id, error });
    if (lifecycle.has('consumer.error')) {
      lifecycle.emit('consumer.error', { queue: this.queue, consumerId: this.id, error, operation, retryInMs: undefined, at: clock.now() });
    }
  }

  /** Resolves when no slot holds a claim. */
  #whenIdle(): Promise<void> {
    if (this.#busy === 0) return Promise.resolve();
    return new Promise((resolve) => (this.#onIdle = resolve));
  }

  async #shutdown(reason: StopReason, timeoutMs: number, error: unknown): Promise<void> {
    this.#state = 'stopping';
    this.#error = error;
    this.#fetching.abort();
    if (this.#signal && this.#onSignal) this.#signal.removeEventListener('abort', this.#onSignal);
    const deadline = new AbortController();
    const inTime = await Promise.race([this.#whenIdle().then(() => true), sleep(timeoutMs, deadline.signal).then(() => false)]);
    deadline.abort();
    let abandoned = 0;
    if (!inTime) {
      for (const run of this.#runs) {
        if (run?.active === true) {
          abandoned++;
          run.abortForShutdown();
        }
      }
    }
    const pending = this.#runs.filter((run) => run !== undefined);
    const settled = await bounded(() => Promise.all(pending.map((run) => run.done)), CLEANUP_GRACE_MS);
    if (settled.kind === 'timed-out') {
      this.#reportStopFailure('settle', hung('settle()', `the consumer's last batches`), 'batches still settling a second after the shutdown deadline were given up; their messages come back when their leases expire');
    }
    // A receive that was in flight at stop() may still bring a claim (a claim statement that was
    // already running): wait for the slots to give such claims back before the receiver closes.
    const ended = await bounded(() => this.#whenNoReceives(), CLEANUP_GRACE_MS);
    if (ended.kind === 'timed-out') {
      this.#reportStopFailure('receive', hung('receive()', 'a slot of the consumer'), 'a receive still in flight a second after the shutdown deadline was given up; a claim it brings later comes back when its lease expires');
    }
    const closed = await bounded(() => this.#receiver.close(), CLEANUP_GRACE_MS);
    if (closed.kind === 'failed') this.#reportStopFailure('close', closed.error, 'closing a receiver failed');
    else if (closed.kind === 'timed-out') this.#reportStopFailure('close', hung('receiver.close()', 'the consumer'), 'closing a receiver hung; given up');
    this.#state = 'stopped';
    const { lifecycle, clock } = this.#deps;
    if (lifecycle.has('consumer.stopped')) {
      lifecycle.emit('consumer.stopped', { queue: this.queue, consumerId: this.id, reason, abandoned, ...(reason === 'error' ? { error } : {}), at: clock.now() });
    }
    this.onStopped(this);
    this.#resolveStopped(reason);
  }
}

/**
 * One concurrency slot's loop, driven by callbacks made once per slot: an async loop would make
 * two awaits (and their closures and promises) per claim, which is most of what a small claim costs.
 */
interface Slot {
  readonly index: number;
  /** Receive failures in a row. */
  failures: number;
  readonly next: () => void;
  readonly onClaim: (claim: Claim | null) => void;
  readonly onReceiveError: (error: unknown) => void;
  readonly onFinished: () => void;
}

/** A receive failure no retry can heal: the provider marked it `retryable: false`. */
function isPermanent(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === false;
}

function hung(call: string, of: string): Error {
  return new Error(`[mqkit] ${call} for ${of} did not answer within ${CLEANUP_GRACE_MS} ms after the shutdown deadline`);
}
