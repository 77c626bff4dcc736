import { Deque } from './deque.js';
import type { MessageRecord } from './record.js';

/**
 * Per-partition-key ordering: one holder per key (the message in flight or waiting for its retry);
 * later messages of the key are parked, in order, until the holder is done.
 */
export class KeyOrder {
  readonly #holders = new Map<string, MessageRecord>();
  readonly #parked = new Map<string, Deque<MessageRecord>>();
  #parkedCount = 0;

  get parkedCount(): number {
    return this.#parkedCount;
  }

  /** True if `record` may be delivered now (it becomes, or already is, its key's holder); else it is parked. */
  admit(record: MessageRecord, key: string): boolean {
    const holder = this.#holders.get(key);
    if (holder === undefined) {
      this.#holders.set(key, record);
      return true;
    }
    if (holder === record) return true;
    let parked = this.#parked.get(key);
    if (parked === undefined) this.#parked.set(key, (parked = new Deque()));
    parked.push(record);
    this.#parkedCount++;
    return false;
  }

  /** `record` is finished (acked, dead-lettered, expired): returns the next message of its key, if any. */
  release(record: MessageRecord, key: string): MessageRecord | undefined {
    if (this.#holders.get(key) !== record) return undefined;
    this.#holders.delete(key);
    const parked = this.#parked.get(key);
    const next = parked?.shift();
    if (next === undefined) return undefined;
    this.#parkedCount--;
    if (parked!.length === 0) this.#parked.delete(key);
    return next;
  }
}
