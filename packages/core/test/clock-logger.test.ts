import { describe, expect, it } from 'vitest';
import { systemClock } from '../src/util/clock.js';
import { noopLogger } from '../src/util/logger.js';

describe('systemClock', () => {
  it('reads Date.now and cannot be changed', () => {
    const before = Date.now();
    const now = systemClock.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
    expect(Object.isFrozen(systemClock)).toBe(true);
  });
});

describe('noopLogger', () => {
  it('has every level, each returning nothing, and cannot be changed', () => {
    for (const level of ['debug', 'info', 'warn', 'error'] as const) expect(noopLogger[level]('message', { a: 1 })).toBeUndefined();
    expect(Object.isFrozen(noopLogger)).toBe(true);
  });
});
