import { ValidationError, type DeadLetter, type DeadLetterPage, type DeadLetterSelector } from '@mqkit/core';
import type { MessageRecord } from './record.js';

interface Entry {
  readonly seq: number;
  readonly letter: DeadLetter;
  readonly record: MessageRecord;
}

/** A queue's dead letters in arrival order, paged by a sequence cursor. */
export class DeadLetterList {
  #entries: Entry[] = [];
  #seq = 0;

  get length(): number {
    return this.#entries.length;
  }

  add(record: MessageRecord, letter: DeadLetter): void {
    this.#entries.push({ seq: ++this.#seq, letter, record });
  }

  page(limit: number, cursor: string | undefined): DeadLetterPage {
    if (cursor !== undefined && !/^\d+$/.test(cursor)) {
      throw new ValidationError('deadLetters.list.cursor', `"${cursor}" is not a cursor of this store`, 'pass the `next` of a previous page, or leave it out for the first page', { source: 'memory' });
    }
    const after = cursor === undefined ? 0 : Number(cursor);
    let start = 0;
    let hi = this.#entries.length;
    while (start < hi) {
      const mid = (start + hi) >> 1;
      if (this.#entries[mid]!.seq <= after) start = mid + 1;
      else hi = mid;
    }
    const slice = this.#entries.slice(start, start + limit);
    const more = start + limit < this.#entries.length;
    return { items: slice.map((e) => e.letter), next: more && slice.length > 0 ? String(slice[slice.length - 1]!.seq) : undefined };
  }

  /** Removes and returns the selected entries' records, oldest first. */
  take(selector: DeadLetterSelector = {}): MessageRecord[] {
    const ids = selector.ids === undefined ? undefined : new Set(selector.ids);
    const limit = selector.limit ?? Infinity;
    const taken: MessageRecord[] = [];
    this.#entries = this.#entries.filter((entry) => {
      if (taken.length >= limit || (ids !== undefined && !ids.has(entry.letter.message.id))) return true;
      taken.push(entry.record);
      return false;
    });
    return taken;
  }
}
