import { ConfigError } from '@mqkit/core';
import { MemoryQueue } from './store/memory-queue.js';

/**
 * In-process storage shared by memory providers: one {@link MemoryQueue} per queue name. Timers run
 * while at least one provider is attached; the messages stay as long as the broker object lives.
 * The first provider attached supplies the clock; all must agree on `dedupeWindowMs`.
 */
export class MemoryBroker {
  readonly #stores = new Map<string, MemoryQueue>();
  #attached = 0;
  #now: () => number = Date.now;
  #dedupeWindowMs = 0;

  /** The store of `queue`, created on first use. */
  store(queue: string): MemoryQueue {
    let store = this.#stores.get(queue);
    if (store === undefined) {
      store = new MemoryQueue(queue, () => this.#now(), () => this.#dedupeWindowMs);
      this.#stores.set(queue, store);
    }
    return store;
  }

  /** Whether queue `queue` has a store yet (made by the first publish, consume, pull, stats or dead-letter call on it). */
  has(queue: string): boolean {
    return this.#stores.has(queue);
  }

  /** @internal A provider starts using this broker. The first one sets the clock and dedupe window. */
  attach(now: () => number, dedupeWindowMs: number): void {
    if (this.#attached > 0 && dedupeWindowMs !== this.#dedupeWindowMs) {
      throw new ConfigError(
        'memory.dedupeWindowMs',
        `${dedupeWindowMs} differs from the ${this.#dedupeWindowMs} of the providers already on this broker`,
        'give every memory provider sharing a broker the same dedupeWindowMs',
        { source: 'memory' },
      );
    }
    if (this.#attached++ === 0) {
      this.#now = now;
      this.#dedupeWindowMs = dedupeWindowMs;
      for (const store of this.#stores.values()) store.resume();
    }
  }

  /** @internal A provider closed; the last one out stops the timers. */
  detach(): void {
    if (--this.#attached === 0) for (const store of this.#stores.values()) store.stop();
  }
}
