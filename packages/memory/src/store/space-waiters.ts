import { Deque } from './deque.js';

interface SpaceWaiter {
  readonly need: number;
  readonly capacity: number;
  readonly resolve: () => void;
}

/**
 * Publishers waiting for room under a queue's capacity, let in strictly in arrival order so none
 * overtakes another and the bound holds with many waiting. A publisher let in holds its room
 * (`reserved`) until it has inserted.
 */
export class SpaceWaiters {
  readonly #waiters = new Deque<SpaceWaiter>();
  #reserved = 0;

  /** `size()`: messages the queue holds waiting now. */
  constructor(private readonly size: () => number) {}

  /** Room taken by publishers that were let in and have not inserted yet. */
  get reserved(): number {
    return this.#reserved;
  }

  /** True while publishers wait for room: a newcomer queues behind them. */
  get waiting(): boolean {
    return this.#waiters.length > 0;
  }

  /**
   * Resolves once `need` messages fit under `capacity`, with that room reserved for the caller
   * (release it with {@link unreserve} after inserting). Rejects with the signal's reason if it
   * aborts first.
   */
  wait(need: number, capacity: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason as Error);
      const onAbort = (): void => {
        this.#waiters.removeWhere((w) => w === waiter);
        reject(signal.reason as Error);
        this.serve(); // the next in line may fit now
      };
      const waiter: SpaceWaiter = {
        need,
        capacity,
        resolve: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
      this.serve();
    });
  }

  unreserve(count: number): void {
    this.#reserved -= count;
    this.serve();
  }

  /** Lets in the publishers at the head of the line whose batch fits now. */
  serve(): void {
    for (let w = this.#waiters.peek(); w !== undefined; w = this.#waiters.peek()) {
      if (this.size() + this.#reserved + w.need > w.capacity) return;
      this.#waiters.shift();
      this.#reserved += w.need;
      w.resolve();
    }
  }
}
