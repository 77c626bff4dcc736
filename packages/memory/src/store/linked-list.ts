/** What an item needs to be in a {@link LinkedList}: the list keeps its links on the item itself. */
export interface Linked<T> {
  /** The list the item is in, or `undefined`. */
  list: object | undefined;
  prev: T | undefined;
  next: T | undefined;
}

/**
 * A doubly linked list in insertion order, with its links on the items (no allocation per item):
 * O(1) add, remove and membership test. An item is in one list at most.
 *
 * Why not a `Set` or `Map`: for entries that come and go all the time (claims, waiting receives),
 * V8's hash tables rehash every few additions, and an old table keeps a pointer to its successor
 * and to the entries it held. Once one such table has reached the old generation, every later
 * table and everything their entries reference (claims, their messages) survives each scavenge
 * and is promoted, until a full GC: with 8 consumer slots that doubled the CPU cost of the memory
 * provider. A removed item is unlinked completely, so a dead item keeps nothing alive.
 */
export class LinkedList<T extends Linked<T>> {
  #head: T | undefined;
  #tail: T | undefined;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Appends `item` (which must not be in a list). */
  add(item: T): void {
    item.list = this;
    item.prev = this.#tail;
    item.next = undefined;
    if (this.#tail === undefined) this.#head = item;
    else this.#tail.next = item;
    this.#tail = item;
    this.#size++;
  }

  /** True if `item` is in this list (it was added here and not removed since). */
  holds(item: T): boolean {
    return item.list === this;
  }

  /** Removes `item` if it is in this list; otherwise does nothing. */
  remove(item: T): void {
    if (item.list !== this) return;
    if (item.prev === undefined) this.#head = item.next;
    else item.prev.next = item.next;
    if (item.next === undefined) this.#tail = item.prev;
    else item.next.prev = item.prev;
    item.list = item.prev = item.next = undefined;
    this.#size--;
  }

  /** The items in insertion order, copied: the list may change while the caller goes through them. */
  values(): T[] {
    const out: T[] = [];
    for (let item = this.#head; item !== undefined; item = item.next) out.push(item);
    return out;
  }
}
