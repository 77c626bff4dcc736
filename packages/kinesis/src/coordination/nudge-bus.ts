import type { Logger } from '@mqkit/core';
import type { RedisLike } from './redis-like.js';

/** What workers tell each other on a stream's channel. */
export interface Nudge {
  readonly from: string;
  /** join, leave, want (a steal request), handover, release. */
  readonly kind: string;
}

/**
 * One subscriber connection per provider for every stream's nudge channel: a worker that joins,
 * leaves, hands a shard over or asks for one publishes a nudge, and every other worker of the
 * stream runs a coordination cycle at once instead of waiting for its timer.
 */
export class NudgeBus {
  readonly #handlers = new Map<string, Set<(nudge: Nudge) => void>>();
  #subscriber: RedisLike | undefined;

  constructor(
    private readonly redis: RedisLike,
    private readonly logger: Logger,
  ) {}

  #connection(): RedisLike {
    if (this.#subscriber === undefined) {
      const sub = this.redis.duplicate();
      sub.on('error', (error) => this.logger.warn('[kinesis] the nudge subscriber connection failed; it reconnects (workers fall back on their timers meanwhile)', { error }));
      sub.on('message', (channel, message) => {
        let nudge: Nudge;
        try {
          nudge = JSON.parse(message) as Nudge;
        } catch {
          return;
        }
        for (const handler of this.#handlers.get(channel) ?? []) handler(nudge);
      });
      this.#subscriber = sub;
    }
    return this.#subscriber;
  }

  async subscribe(channel: string, handler: (nudge: Nudge) => void): Promise<() => Promise<void>> {
    let set = this.#handlers.get(channel);
    if (set === undefined) {
      set = new Set();
      this.#handlers.set(channel, set);
      await this.#connection().subscribe(channel);
    }
    set.add(handler);
    return async () => {
      const handlers = this.#handlers.get(channel);
      handlers?.delete(handler);
      if (handlers !== undefined && handlers.size === 0) {
        this.#handlers.delete(channel);
        await this.#subscriber?.unsubscribe(channel).catch(() => undefined);
      }
    };
  }

  async close(): Promise<void> {
    this.#handlers.clear();
    const sub = this.#subscriber;
    this.#subscriber = undefined;
    if (sub !== undefined) await sub.quit().catch(() => sub.disconnect());
  }

  /** Drops the connection without a goodbye (a crashed process). */
  drop(): void {
    this.#handlers.clear();
    this.#subscriber?.disconnect();
    this.#subscriber = undefined;
  }
}
