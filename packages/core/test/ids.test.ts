import { describe, expect, it } from 'vitest';
import { createIdGenerator } from '../src/util/ids.js';

describe('createIdGenerator', () => {
  it('returns a 16-hex-character prefix, a dash and a counter from 1', () => {
    const next = createIdGenerator();
    const first = next();
    expect(first).toMatch(/^[0-9a-f]{16}-1$/);
    const prefix = first.slice(0, 17);
    expect([next(), next()]).toEqual([`${prefix}2`, `${prefix}3`]);
  });

  it('never repeats an id across 100k calls', () => {
    const next = createIdGenerator();
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) seen.add(next());
    expect(seen.size).toBe(100_000);
  });

  it('gives two generators different prefixes, so their ids never collide', () => {
    const a = createIdGenerator();
    const b = createIdGenerator();
    const fromA = new Set(Array.from({ length: 10_000 }, () => a()));
    const fromB = Array.from({ length: 10_000 }, () => b());
    expect(fromB.filter((id) => fromA.has(id))).toEqual([]);
    expect([...fromA][0]?.slice(0, 16)).not.toBe(fromB[0]?.slice(0, 16));
  });
});
