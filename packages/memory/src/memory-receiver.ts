import type { Claim, DeadLetter, Message, Receiver, ReceiverOptions, Settlement } from '@mqkit/core';
import { LinkedList, type Linked } from './store/linked-list.js';
import type { MemoryClaim } from './store/memory-claim.js';
import type { MemoryQueue } from './store/memory-queue.js';
import type { Waiter } from './store/receive-waiters.js';
import type { TakeContext } from './store/take-context.js';

/** What a receiver needs from its provider instance. */
export interface ReceiverHost {
  /** Throws if the provider crashed (simulateCrash) — a dead process settles nothing. */
  assertAlive(): void;
  readonly alive: boolean;
  expired(queue: string, message: Message, now: number): void;
  poisonPill(queue: string, letter: DeadLetter, now: number): void;
}

/**
 * What every successful settle returns: one shared, fulfilled promise. Nothing to allocate, and
 * core, once it has seen it fulfilled, carries on at once when it gets it again instead of
 * waiting a microtask (`ClaimRun#send` in core).
 */
const SETTLED: Promise<void> = Promise.resolve();

/** A receive call waiting for messages. */
interface Pending extends Linked<Pending> {
  readonly signal: AbortSignal;
  readonly waiter: Waiter;
  finish(claim: MemoryClaim | null): void;
}

/** A consumer's window on one {@link MemoryQueue}. */
export class MemoryReceiver implements Receiver, TakeContext {
  readonly consumerId: string;
  readonly leaseMs: number;
  readonly maxAttempts: number;
  readonly ordered: boolean;
  /** Receive calls of this receiver still waiting (a list, not a Set: see {@link LinkedList}). */
  readonly #waiting = new LinkedList<Pending>();
  readonly #watched = new WeakSet<AbortSignal>();
  #closed = false;

  constructor(
    private readonly store: MemoryQueue,
    private readonly host: ReceiverHost,
    options: ReceiverOptions,
  ) {
    this.consumerId = options.consumerId;
    this.leaseMs = options.leaseMs;
    this.maxAttempts = options.maxAttempts;
    this.ordered = options.ordered;
    if (options.ordered) store.enableOrdering();
  }

  get owner(): object {
    return this.host;
  }

  receive(max: number, signal: AbortSignal): Promise<Claim | null> {
    if (!this.#closed && this.host.alive) {
      const claim = this.store.take(max, this);
      if (claim !== null) return Promise.resolve(claim);
    }
    if (signal.aborted || this.#closed) return Promise.resolve(null);
    this.#watch(signal);
    return new Promise((resolve) => {
      const entry: Pending = {
        signal,
        waiter: { max, context: this, active: this.host.alive, resolve: (claim: MemoryClaim) => entry.finish(claim) },
        list: undefined,
        prev: undefined,
        next: undefined,
        finish: (claim) => {
          entry.waiter.active = false;
          this.#waiting.remove(entry);
          resolve(claim);
        },
      };
      this.#waiting.add(entry);
      // A crashed provider's receivers never get messages again; they just wait for their signal.
      if (entry.waiter.active) this.store.wait(entry.waiter);
    });
  }

  /**
   * One abort listener per signal, not per call: a consumer passes the same signal to every
   * receive of every slot, and a listener per waiting call costs an EventTarget add/remove each
   * time (and Node's MaxListenersExceededWarning past 10 slots).
   */
  #watch(signal: AbortSignal): void {
    if (this.#watched.has(signal)) return;
    this.#watched.add(signal);
    signal.addEventListener(
      'abort',
      () => {
        for (const entry of this.#waiting.values()) if (entry.signal === signal) entry.finish(null);
      },
      { once: true },
    );
  }

  // The contract's failures are rejections, never synchronous throws. Not `async` functions: on a
  // one-message claim the async machinery would be a good part of the cost of settling it.
  settle(claim: Claim, settlement: Settlement): Promise<void> {
    try {
      this.host.assertAlive();
      this.store.settle(claim as MemoryClaim, settlement);
    } catch (error) {
      return Promise.reject(error);
    }
    return SETTLED;
  }

  renew(claim: Claim, leaseMs: number): Promise<number> {
    try {
      this.host.assertAlive();
      return Promise.resolve(this.store.renew(claim as MemoryClaim, leaseMs));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  close(): Promise<void> {
    this.#closed = true;
    for (const entry of this.#waiting.values()) entry.finish(null);
    return Promise.resolve();
  }

  /** The provider crashed: stop taking messages (waiting calls stay pending until their signal aborts). */
  freeze(): void {
    for (const entry of this.#waiting.values()) entry.waiter.active = false;
  }

  onExpired(message: Message, now: number): void {
    this.host.expired(this.store.name, message, now);
  }

  onPoisonPill(letter: DeadLetter, now: number): void {
    this.host.poisonPill(this.store.name, letter, now);
  }
}
