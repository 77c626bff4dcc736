import { ValidationError, type DeadLetterListOptions, type DeadLetterPage, type DeadLetterSelector, type DeadLetterStore } from '@mqkit/core';
import { toDeadLetter, type DeadLetterRow } from './rows.js';

export interface DeadLetterHost {
  query<T>(sql: 'deadList' | 'deadReplay' | 'deadPurge', what: string, ...params: unknown[]): Promise<T[]>;
  checkQueue(queue: string): void;
  readonly channel: string;
  /** The provider's clock (epoch ms), for a replayed message's runAt. */
  now(): number;
}

/**
 * Dead letters in their own table, paged by their sequence (the cursor is that number as text),
 * replayed back into the hot table in one statement (with a NOTIFY), purged in one.
 */
export class PrismaDeadLetters implements DeadLetterStore {
  constructor(private readonly host: DeadLetterHost) {}

  async list(queue: string, options: DeadLetterListOptions = {}): Promise<DeadLetterPage> {
    this.host.checkQueue(queue);
    const limit = options.limit ?? 100;
    const { cursor } = options;
    if (cursor !== undefined && !/^\d{1,18}$/.test(cursor)) {
      throw new ValidationError('deadLetters.list.cursor', `"${cursor}" is not a cursor of this store`, 'pass the `next` of a previous page, or leave it out for the first page', { source: 'prisma' });
    }
    const rows = await this.host.query<DeadLetterRow>('deadList', 'listing dead letters', queue, BigInt(cursor ?? 0), limit);
    const page = rows.slice(0, limit);
    return { items: page.map((row) => toDeadLetter(queue, row)), next: rows.length > limit ? String(page[page.length - 1]!.seq) : undefined };
  }

  async replay(queue: string, selector: DeadLetterSelector = {}): Promise<{ readonly replayed: number }> {
    this.host.checkQueue(queue);
    const [row] = await this.host.query<{ replayed: number }>('deadReplay', 'replaying dead letters', queue, selector.ids ?? null, selector.limit ?? null, this.host.channel, this.host.now());
    return { replayed: row?.replayed ?? 0 };
  }

  async purge(queue: string, selector: DeadLetterSelector = {}): Promise<{ readonly purged: number }> {
    this.host.checkQueue(queue);
    const rows = await this.host.query<{ id: string }>('deadPurge', 'purging dead letters', queue, selector.ids ?? null, selector.limit ?? null);
    return { purged: rows.length };
  }
}
