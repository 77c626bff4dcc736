import type { DeadLetterListOptions, DeadLetterPage, DeadLetterSelector, DeadLetterStore } from '@mqkit/core';
import type { Collection } from 'mongodb';
import { deadLetterFilter, parseCursor, replayedDoc } from './commands/dead-letters.js';
import { toDeadLetter } from './decode.js';
import type { DeadLetterDoc, MessageDoc } from './documents.js';
import type { Inserter } from './inserter.js';

export interface DeadLetterHost {
  readonly deadLetters: Collection<DeadLetterDoc>;
  run<T>(what: string, operation: () => Promise<T>): Promise<T>;
  checkQueue(queue: string): void;
  assertUsable(): void;
  serverNow(): number;
  /** The provider's clock (epoch ms), for a replayed message's runAt. */
  now(): number;
  readonly inserter: Inserter;
  /** Wakes this process's idle receivers of `queue`. */
  notify(queue: string): void;
}

/**
 * Dead letters in their own collection, paged by `_id` (the cursor is its hex), replayed back
 * into the messages collection as new messages (then deleted from here), purged by delete.
 */
export class MongoDeadLetters implements DeadLetterStore {
  constructor(private readonly host: DeadLetterHost) {}

  async list(queue: string, options: DeadLetterListOptions = {}): Promise<DeadLetterPage> {
    this.#check(queue);
    const { host } = this;
    const limit = options.limit ?? 100;
    const after = parseCursor(options.cursor);
    const docs = await host.run('listing dead letters', () =>
      host.deadLetters.find(deadLetterFilter(queue, new Date(host.serverNow()), undefined, after), { sort: { _id: 1 }, limit: limit + 1, hint: 'mqkit_dead_page' }).toArray(),
    );
    const page = docs.slice(0, limit);
    return { items: page.map(toDeadLetter), next: docs.length > limit ? page[page.length - 1]!._id.toHexString() : undefined };
  }

  /**
   * Oldest first. Each letter becomes a new message (attempt 0, due now); it holds its dedupe key
   * again unless a newer message holds it. A letter whose id is live again in the queue is left
   * where it is (not counted).
   */
  async replay(queue: string, selector: DeadLetterSelector = {}): Promise<{ readonly replayed: number }> {
    this.#check(queue);
    const { host } = this;
    const letters = await this.#pick(queue, selector);
    if (letters.length === 0) return { replayed: 0 };
    const runAt = host.now();
    const docs = letters.map((l) => replayedDoc(l, host.serverNow(), runAt, true));
    const outcome = await host.inserter.insert(queue, docs, { keyTaken: 'insert-without-key' });
    const back = new Set(outcome.inserted.map((d: MessageDoc) => d.id));
    const replayed = letters.filter((l) => back.has(l.id));
    if (replayed.length > 0) {
      await host.run('deleting replayed dead letters', () => host.deadLetters.deleteMany({ _id: { $in: replayed.map((l) => l._id) } }));
      host.notify(queue);
    }
    return { replayed: replayed.length };
  }

  async purge(queue: string, selector: DeadLetterSelector = {}): Promise<{ readonly purged: number }> {
    this.#check(queue);
    const { host } = this;
    if (selector.limit === undefined) {
      const result = await host.run('purging dead letters', () => host.deadLetters.deleteMany(deadLetterFilter(queue, new Date(host.serverNow()), selector.ids)));
      return { purged: result.deletedCount };
    }
    const picked = await this.#pick(queue, selector);
    if (picked.length === 0) return { purged: 0 };
    const result = await host.run('purging dead letters', () => host.deadLetters.deleteMany({ _id: { $in: picked.map((l) => l._id) } }));
    return { purged: result.deletedCount };
  }

  #check(queue: string): void {
    this.host.assertUsable();
    this.host.checkQueue(queue);
  }

  #pick(queue: string, selector: DeadLetterSelector): Promise<DeadLetterDoc[]> {
    const { host } = this;
    return host.run('reading dead letters', () =>
      host.deadLetters.find(deadLetterFilter(queue, new Date(host.serverNow()), selector.ids), { sort: { _id: 1 }, ...(selector.limit !== undefined ? { limit: selector.limit } : {}) }).toArray(),
    );
  }
}
