import { Deque } from './deque.js';

/**
 * Dedupe keys of one queue: a key is held while its message is queued or in flight, then for
 * `windowMs` after it settles (0 = released at once).
 */
export class DedupeIndex {
  /** key → id of the kept message, and until when (Infinity while the message is live). */
  readonly #keys = new Map<string, { id: string; until: number }>();
  readonly #expiring = new Deque<{ key: string; until: number }>();

  /** `windowMs` is read at each release: the broker's providers set it (see MemoryBroker.attach). */
  constructor(private readonly windowMs: () => number) {}

  /** The id holding `key` now, if any. */
  holder(key: string, now: number): string | undefined {
    this.#sweep(now);
    const entry = this.#keys.get(key);
    return entry !== undefined && entry.until > now ? entry.id : undefined;
  }

  hold(key: string, id: string): void {
    this.#keys.set(key, { id, until: Infinity });
  }

  /** The message holding `key` is done; keep the key for the window. */
  release(key: string, id: string, now: number): void {
    const entry = this.#keys.get(key);
    if (entry === undefined || entry.id !== id) return;
    const windowMs = this.windowMs();
    if (windowMs <= 0) {
      this.#keys.delete(key);
      return;
    }
    entry.until = now + windowMs;
    this.#expiring.push({ key, until: entry.until });
  }

  #sweep(now: number): void {
    for (let next = this.#expiring.peek(); next !== undefined && next.until <= now; next = this.#expiring.peek()) {
      this.#expiring.shift();
      const entry = this.#keys.get(next.key);
      if (entry !== undefined && entry.until === next.until) this.#keys.delete(next.key);
    }
  }
}
