/** A place in a {@link LinkedList}; `list` is `undefined` once removed. */
export interface ListNode<T> {
  readonly value: T;
  list: LinkedList<T> | undefined;
  prev: ListNode<T> | undefined;
  next: ListNode<T> | undefined;
}

/**
 * A doubly linked list in insertion order: O(1) add, remove (by the node `add` returned) and
 * membership test, no allocation but the node.
 *
 * Why not a `Set` or `Map`: for entries that come and go all the time (claims, waiting receives),
 * V8's hash tables rehash every few additions, and an old table keeps a pointer to its successor
 * and to the entries it held. Once one such table has reached the old generation, every later
 * table and everything their entries reference (claims, their messages) survives each scavenge
 * and is promoted, until a full GC: with 8 consumer slots that doubled the CPU cost of the memory
 * provider. Removed nodes here are unlinked completely, so a dead node keeps nothing alive.
 */
export class LinkedList<T> {
  #head: ListNode<T> | undefined;
  #tail: ListNode<T> | undefined;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  add(value: T): ListNode<T> {
    const node: ListNode<T> = { value, list: this, prev: this.#tail, next: undefined };
    if (this.#tail === undefined) this.#head = node;
    else this.#tail.next = node;
    this.#tail = node;
    this.#size++;
    return node;
  }

  /** True if `node` is in this list (it was added here and not removed since). */
  holds(node: ListNode<T> | undefined): boolean {
    return node !== undefined && node.list === this;
  }

  /** Removes `node` if it is in this list; otherwise does nothing. */
  remove(node: ListNode<T>): void {
    if (node.list !== this) return;
    if (node.prev === undefined) this.#head = node.next;
    else node.prev.next = node.next;
    if (node.next === undefined) this.#tail = node.prev;
    else node.next.prev = node.prev;
    node.list = node.prev = node.next = undefined;
    this.#size--;
  }

  /** The values in insertion order, copied: the list may change while the caller goes through them. */
  values(): T[] {
    const out: T[] = [];
    for (let node = this.#head; node !== undefined; node = node.next) out.push(node.value);
    return out;
  }
}
