// The list the store keeps live claims in, and receivers their waiting calls (instead of a Set).
import { describe, expect, it } from 'vitest';
import { LinkedList } from '../src/store/linked-list.js';

describe('LinkedList', () => {
  it('keeps insertion order through removals at the head, the middle and the tail', () => {
    const list = new LinkedList<string>();
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((v) => list.add(v));
    list.remove(b!);
    expect(list.values()).toEqual(['a', 'c', 'd']);
    list.remove(a!);
    list.remove(d!);
    expect(list.values()).toEqual(['c']);
    list.add('e');
    expect(list.values()).toEqual(['c', 'e']);
    expect(list.size).toBe(2);
    list.remove(c!);
    expect(list.values()).toEqual(['e']);
  });

  it('holds a node until it is removed, never one of another list; a second remove does nothing', () => {
    const list = new LinkedList<number>();
    const other = new LinkedList<number>();
    const node = list.add(1);
    const foreign = other.add(1);
    expect(list.holds(node)).toBe(true);
    expect(list.holds(foreign)).toBe(false);
    expect(list.holds(undefined)).toBe(false);
    list.remove(foreign);
    expect(other.values()).toEqual([1]);
    list.remove(node);
    list.remove(node);
    expect(list.holds(node)).toBe(false);
    expect(list.size).toBe(0);
    expect(list.values()).toEqual([]);
  });

  it('unlinks a removed node completely, so a dead node keeps no neighbour alive', () => {
    const list = new LinkedList<number>();
    list.add(1);
    const middle = list.add(2);
    list.add(3);
    list.remove(middle);
    expect([middle.prev, middle.next, middle.list]).toEqual([undefined, undefined, undefined]);
  });

  it('hands out a copy of its values, so removing while going through them skips nothing', () => {
    const list = new LinkedList<number>();
    const nodes = [1, 2, 3].map((v) => list.add(v));
    const seen: number[] = [];
    for (const v of list.values()) {
      seen.push(v);
      list.remove(nodes[v - 1]!);
    }
    expect(seen).toEqual([1, 2, 3]);
    expect(list.size).toBe(0);
  });
});
