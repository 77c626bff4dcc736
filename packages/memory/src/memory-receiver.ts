import type { Claim, DeadLetter, Message, Receiver, ReceiverOptions, Settlement } from '@mqkit/core';
import type { MemoryClaim } from './store/memory-claim.js';
import type { QueueStore, Waiter } from './store/queue-store.js';
import type { TakeContext } from './store/take-context.js';

/** What a receiver needs from its provider instance. */
export interface ReceiverHost {
  /** Throws if the provider crashed (simulateCrash) — a dead process settles nothing. */
  assertAlive(): void;
  readonly alive: boolean;
  expired(queue: string, message: Message, now: number): void;
  poisonPill(queue: string, letter: DeadLetter, now: number): void;
}

/** A consumer's window on one {@link QueueStore}. */
export class MemoryReceiver implements Receiver, TakeContext {
  readonly consumerId: string;
  readonly leaseMs: number;
  readonly maxAttempts: number;
  readonly ordered: boolean;
  readonly #waiting = new Set<{ waiter: Waiter; done: () => void }>();
  #closed = false;

  constructor(
    private readonly store: QueueStore,
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
    return new Promise((resolve) => {
      const entry = {
        waiter: { max, context: this as TakeContext, active: this.host.alive, resolve: (claim: MemoryClaim) => finish(claim) },
        done: () => finish(null),
      };
      const finish = (claim: MemoryClaim | null): void => {
        entry.waiter.active = false;
        this.#waiting.delete(entry);
        signal.removeEventListener('abort', entry.done);
        resolve(claim);
      };
      this.#waiting.add(entry);
      signal.addEventListener('abort', entry.done, { once: true });
      // A crashed provider's receivers never get messages again; they just wait for their signal.
      if (entry.waiter.active) this.store.wait(entry.waiter);
    });
  }

  // async: the contract's failures are rejections, never synchronous throws.
  async settle(claim: Claim, settlement: Settlement): Promise<void> {
    this.host.assertAlive();
    this.store.settle(claim as MemoryClaim, settlement);
  }

  async renew(claim: Claim, leaseMs: number): Promise<number> {
    this.host.assertAlive();
    return this.store.renew(claim as MemoryClaim, leaseMs);
  }

  close(): Promise<void> {
    this.#closed = true;
    for (const entry of [...this.#waiting]) entry.done();
    return Promise.resolve();
  }

  /** The provider crashed: stop taking messages (waiting calls stay pending until their signal aborts). */
  freeze(): void {
    for (const entry of this.#waiting) entry.waiter.active = false;
  }

  onExpired(message: Message, now: number): void {
    this.host.expired(this.store.name, message, now);
  }

  onPoisonPill(letter: DeadLetter, now: number): void {
    this.host.poisonPill(this.store.name, letter, now);
  }
}
