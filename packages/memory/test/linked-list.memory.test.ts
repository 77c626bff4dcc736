// The list the store keeps live claims in, and receivers their waiting calls (instead of a Set).
import { describe, expect, it } from 'vitest';
import { LinkedList, type Linked } from '../src/store/linked-list.js';

interface Item extends Linked<Item> {
  readonly name: string;
}

const item = (name: string): Item => ({ name, list: undefined, prev: undefined, next: undefined });
const names = (list: LinkedList<Item>): string[] => list.values().map((i) => i.name);

describe('LinkedList', () => {
  it('keeps insertion order through removals at the head, the middle and the tail', () => {
    const list = new LinkedList<Item>();
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(item) as [Item, Item, Item, Item];
    for (const i of [a, b, c, d]) list.add(i);
    list.remove(b);
    expect(names(list)).toEqual(['a', 'c', 'd']);
    list.remove(a);
    list.remove(d);
    expect(names(list)).toEqual(['c']);
    list.add(item('e'));
    expect(names(list)).toEqual(['c', 'e']);
    expect(list.size).toBe(2);
    list.remove(c);
    expect(names(list)).toEqual(['e']);
  });

  it('holds an item until it is removed, never one of another list; a second remove does nothing', () => {
    const list = new LinkedList<Item>();
    const other = new LinkedList<Item>();
    const mine = item('mine');
    const theirs = item('theirs');
    list.add(mine);
    other.add(theirs);
    expect(list.holds(mine)).toBe(true);
    expect(list.holds(theirs)).toBe(false);
    expect(list.holds(item('stranger'))).toBe(false);
    list.remove(theirs);
    expect(names(other)).toEqual(['theirs']);
    list.remove(mine);
    list.remove(mine);
    expect(list.holds(mine)).toBe(false);
    expect(list.size).toBe(0);
    expect(list.values()).toEqual([]);
  });

  it('unlinks a removed item completely, so a dead item keeps no neighbour alive', () => {
    const list = new LinkedList<Item>();
    const middle = item('middle');
    list.add(item('first'));
    list.add(middle);
    list.add(item('last'));
    list.remove(middle);
    expect([middle.prev, middle.next, middle.list]).toEqual([undefined, undefined, undefined]);
    expect(names(list)).toEqual(['first', 'last']);
  });

  it('hands out a copy of its items, so removing while going through them skips nothing', () => {
    const list = new LinkedList<Item>();
    for (const n of ['1', '2', '3']) list.add(item(n));
    const seen: string[] = [];
    for (const i of list.values()) {
      seen.push(i.name);
      list.remove(i);
    }
    expect(seen).toEqual(['1', '2', '3']);
    expect(list.size).toBe(0);
  });
});
