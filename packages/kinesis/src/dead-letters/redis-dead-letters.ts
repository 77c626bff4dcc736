import { ValidationError, type DeadLetter, type DeadLetterListOptions, type DeadLetterPage, type DeadLetterSelector, type DeadLetterStore } from '@mqkit/core';
import type { CoordinationStore } from '../coordination/coordination-store.js';

/** What the dead-letter store needs from its provider. */
export interface DeadLetterHost {
  store(queue: string): Promise<CoordinationStore>;
  /** Puts dead letters back on their stream as new messages (attempts reset, same id and payload). */
  replay(queue: string, letters: readonly DeadLetter[]): Promise<void>;
  readonly redisTimeoutMs: number;
}

const ENTRY = /^\d+-\d+$/;

/**
 * Dead letters in a Redis stream per Kinesis stream (written in the same step that moves the
 * checkpoint past them), indexed by message id. The cursor is the last entry id of a page.
 * Replay puts them back on the Kinesis stream (a new record each, attempts reset), then removes
 * them: a crash between the two replays a letter twice, never loses one.
 */
export class RedisDeadLetters implements DeadLetterStore {
  constructor(private readonly host: DeadLetterHost) {}

  async #page(queue: string, after: string | undefined, limit: number): Promise<Array<{ entry: string; letter: DeadLetter }>> {
    const store = await this.host.store(queue);
    const start = after === undefined ? '-' : `(${after}`;
    const rows = await store.redis.xrange(store.keys.dead, start, '+', 'COUNT', limit);
    return rows.map(([entry, fields]) => {
      const i = fields.indexOf('letter');
      return { entry, letter: JSON.parse(fields[i + 1] ?? '{}') as DeadLetter };
    });
  }

  async list(queue: string, options: DeadLetterListOptions = {}): Promise<DeadLetterPage> {
    const limit = options.limit ?? 100;
    const { cursor } = options;
    if (cursor !== undefined && !ENTRY.test(cursor)) {
      throw new ValidationError('deadLetters.list.cursor', `"${cursor}" is not a cursor of this store`, 'pass the `next` of a previous page, or leave it out for the first page', { source: 'kinesis' });
    }
    const rows = await this.#page(queue, cursor, limit + 1);
    const page = rows.slice(0, limit);
    return { items: page.map((r) => r.letter), next: rows.length > limit ? page[page.length - 1]!.entry : undefined };
  }

  async #select(queue: string, selector: DeadLetterSelector): Promise<Array<{ entry: string; letter: DeadLetter }>> {
    const limit = selector.limit ?? Infinity;
    const wanted = selector.ids === undefined ? undefined : new Set(selector.ids);
    const out: Array<{ entry: string; letter: DeadLetter }> = [];
    let after: string | undefined;
    for (;;) {
      const rows = await this.#page(queue, after, 500);
      for (const r of rows) {
        if (out.length >= limit) return out;
        if (wanted === undefined || wanted.has(r.letter.message.id)) out.push(r);
      }
      if (rows.length < 500) return out;
      after = rows[rows.length - 1]!.entry;
    }
  }

  async replay(queue: string, selector: DeadLetterSelector = {}): Promise<{ readonly replayed: number }> {
    const chosen = await this.#select(queue, selector);
    if (chosen.length === 0) return { replayed: 0 };
    await this.host.replay(queue, chosen.map((c) => c.letter));
    const store = await this.host.store(queue);
    await store.removeDead('entries', chosen.map((c) => c.entry));
    return { replayed: chosen.length };
  }

  async purge(queue: string, selector: DeadLetterSelector = {}): Promise<{ readonly purged: number }> {
    const chosen = await this.#select(queue, selector);
    const store = await this.host.store(queue);
    return { purged: await store.removeDead('entries', chosen.map((c) => c.entry)) };
  }

  /** How many dead letters a stream holds. */
  async count(queue: string): Promise<number> {
    const store = await this.host.store(queue);
    return store.redis.xlen(store.keys.dead);
  }
}
