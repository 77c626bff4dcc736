import { Deque } from './deque.js';
import type { MemoryClaim } from './memory-claim.js';
import type { TakeContext } from './take-context.js';

/** A receive call waiting for messages. */
export interface Waiter {
  readonly max: number;
  readonly context: TakeContext;
  readonly resolve: (claim: MemoryClaim) => void;
  active: boolean;
}

/** Something that hands out claims. */
export interface ClaimSource {
  readonly hasReady: boolean;
  take(max: number, context: TakeContext): MemoryClaim | null;
}

/**
 * Receivers waiting on one queue, served oldest first. Waits that ended (aborted pulls, closed
 * receivers) are dropped now and then, so a stream of `pull({ waitMs })` calls on an empty queue
 * cannot grow the list without bound.
 */
export class ReceiveWaiters {
  readonly #waiters = new Deque<Waiter>();
  #compactAt = 64;
  #servePending = false;

  constructor(private readonly source: ClaimSource) {}

  add(waiter: Waiter): void {
    if (this.#waiters.length >= this.#compactAt) {
      this.#waiters.removeWhere((w) => !w.active);
      this.#compactAt = 2 * this.#waiters.length + 64;
    }
    this.#waiters.push(waiter);
  }

  /**
   * Serve after the publish call has returned, so the publisher's `message.published` event
   * comes before any `message.received` for the same messages.
   */
  serveSoon(): void {
    if (this.#servePending || this.#waiters.length === 0) return;
    this.#servePending = true;
    setImmediate(() => {
      this.#servePending = false;
      this.serve();
    });
  }

  /** Hands ready messages to waiting receivers, oldest waiter first. */
  serve(): void {
    while (this.#waiters.length > 0 && this.source.hasReady) {
      const waiter = this.#waiters.peek()!;
      if (!waiter.active) {
        this.#waiters.shift();
        continue;
      }
      const claim = this.source.take(waiter.max, waiter.context);
      if (claim === null) break;
      this.#waiters.shift();
      waiter.active = false;
      waiter.resolve(claim);
    }
  }
}
