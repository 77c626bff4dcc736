import { describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../src/errors/config-error.js';
import { backoffDelay, DEFAULT_RETRY_POLICY, resolveRetryPolicy, type RetryPolicy } from '../src/retry/retry-policy.js';
import { thrownBy } from './fixtures.js';

const policy = (overrides: Partial<RetryPolicy> = {}): RetryPolicy => ({ ...DEFAULT_RETRY_POLICY, jitter: 0, ...overrides });
const ALMOST_ONE = 0.999_999_9;

describe('backoffDelay', () => {
  it('waits delayMs after every attempt with fixed backoff', () => {
    const p = policy({ backoff: 'fixed', delayMs: 1000 });
    expect([1, 2, 3, 4, 10].map((n) => backoffDelay(p, n))).toEqual([1000, 1000, 1000, 1000, 1000]);
  });

  it('grows by delayMs per attempt with linear backoff', () => {
    const p = policy({ backoff: 'linear', delayMs: 250 });
    expect([1, 2, 3, 4].map((n) => backoffDelay(p, n))).toEqual([250, 500, 750, 1000]);
  });

  it('multiplies by factor per attempt with exponential backoff, starting at delayMs', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(policy({ delayMs: 1000, factor: 2 }), n))).toEqual([1000, 2000, 4000, 8000]);
    expect([1, 2, 3].map((n) => backoffDelay(policy({ delayMs: 100, factor: 3 }), n))).toEqual([100, 300, 900]);
  });

  it('treats an attempt below 1 as the first attempt', () => {
    const p = policy({ backoff: 'linear', delayMs: 100 });
    expect(backoffDelay(p, 0)).toBe(100);
    expect(backoffDelay(p, -3)).toBe(100);
  });

  it('caps the delay at maxDelayMs', () => {
    const p = policy({ delayMs: 1000, factor: 2, maxDelayMs: 5000 });
    expect([3, 4, 10, 60].map((n) => backoffDelay(p, n))).toEqual([4000, 5000, 5000, 5000]);
    expect(backoffDelay(policy({ backoff: 'linear', delayMs: 100, maxDelayMs: 250 }), 3)).toBe(250);
    expect(backoffDelay(policy({ maxDelayMs: 0 }), 1)).toBe(0);
  });

  it('keeps the whole delay when random() returns 0', () => {
    expect(backoffDelay(policy({ backoff: 'fixed', delayMs: 1000, jitter: 0.5 }), 1, () => 0)).toBe(1000);
  });

  it('shortens the delay by up to jitter × delay when random() is just below 1', () => {
    expect(backoffDelay(policy({ backoff: 'fixed', delayMs: 1000, jitter: 0.5 }), 1, () => ALMOST_ONE)).toBe(500);
    expect(backoffDelay(policy({ backoff: 'fixed', delayMs: 1000, jitter: 0.2 }), 1, () => ALMOST_ONE)).toBe(800);
    expect(backoffDelay(policy({ backoff: 'fixed', delayMs: 1000, jitter: 1 }), 1, () => ALMOST_ONE)).toBe(0);
  });

  it('applies jitter to the capped delay', () => {
    const p = policy({ delayMs: 1000, factor: 2, maxDelayMs: 5000, jitter: 0.2 });
    expect(backoffDelay(p, 10, () => 0)).toBe(5000);
    expect(backoffDelay(p, 10, () => ALMOST_ONE)).toBe(4000);
  });

  it('stays between (1 - jitter) × delay and delay for any random value', () => {
    const p = policy({ delayMs: 1000, factor: 2, jitter: 0.3 });
    for (const r of [0, 0.1, 0.25, 0.5, 0.75, 0.9, ALMOST_ONE]) {
      const d = backoffDelay(p, 3, () => r);
      expect(d).toBeGreaterThanOrEqual(2800);
      expect(d).toBeLessThanOrEqual(4000);
    }
    expect(backoffDelay(p, 3, () => 0.5)).toBe(3400);
  });

  it('does not call random() when jitter is 0', () => {
    const random = vi.fn(() => 0.5);
    expect(backoffDelay(policy({ jitter: 0 }), 2, random)).toBe(2000);
    expect(random).not.toHaveBeenCalled();
  });

  it('uses Math.random by default', () => {
    const spy = vi.spyOn(Math, 'random').mockReturnValue(0.5);
    try {
      expect(backoffDelay(DEFAULT_RETRY_POLICY, 1)).toBe(900);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('rounds to whole milliseconds', () => {
    expect(backoffDelay(policy({ backoff: 'fixed', delayMs: 10.4 }), 1)).toBe(10);
    expect(backoffDelay(policy({ backoff: 'fixed', delayMs: 10.5 }), 1)).toBe(11);
  });
});

describe('resolveRetryPolicy', () => {
  it('returns the defaults when nothing is given', () => {
    expect(resolveRetryPolicy(undefined, 'retry')).toBe(DEFAULT_RETRY_POLICY);
    expect(DEFAULT_RETRY_POLICY).toEqual({ maxAttempts: 5, backoff: 'exponential', delayMs: 1000, factor: 2, maxDelayMs: 300_000, jitter: 0.2 });
    expect(Object.isFrozen(DEFAULT_RETRY_POLICY)).toBe(true);
  });

  it('overrides only the keys given, over the defaults', () => {
    const resolved = resolveRetryPolicy({ maxAttempts: 3, jitter: 0 }, 'retry');
    expect(resolved).toEqual({ ...DEFAULT_RETRY_POLICY, maxAttempts: 3, jitter: 0 });
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(DEFAULT_RETRY_POLICY.maxAttempts).toBe(5);
  });

  it('merges over a given base instead of the defaults', () => {
    const base = resolveRetryPolicy({ backoff: 'linear', maxAttempts: 2 }, 'defaults.retry');
    expect(resolveRetryPolicy({ delayMs: 50 }, 'consume.retry', base)).toEqual({ ...DEFAULT_RETRY_POLICY, backoff: 'linear', maxAttempts: 2, delayMs: 50 });
    expect(resolveRetryPolicy(undefined, 'consume.retry', base)).toBe(base);
  });

  it('accepts the edges of every range', () => {
    const edges = { maxAttempts: 1, delayMs: 0, factor: 1, maxDelayMs: 0, jitter: 1 };
    expect(resolveRetryPolicy(edges, 'retry')).toEqual({ ...DEFAULT_RETRY_POLICY, ...edges });
    expect(resolveRetryPolicy({ jitter: 0 }, 'retry').jitter).toBe(0);
    for (const backoff of ['fixed', 'linear', 'exponential'] as const) expect(resolveRetryPolicy({ backoff }, 'retry').backoff).toBe(backoff);
  });

  it.each([
    [{ maxAttempts: 0 }, 'consume.retry.maxAttempts'],
    [{ maxAttempts: 1.5 }, 'consume.retry.maxAttempts'],
    [{ maxAttempts: '3' }, 'consume.retry.maxAttempts'],
    [{ tries: 3 }, 'consume.retry.tries'],
    [{ jitter: 2 }, 'consume.retry.jitter'],
    [{ jitter: -0.1 }, 'consume.retry.jitter'],
    [{ factor: 0.5 }, 'consume.retry.factor'],
    [{ backoff: 'random' }, 'consume.retry.backoff'],
    [{ delayMs: -1 }, 'consume.retry.delayMs'],
    [{ delayMs: Number.NaN }, 'consume.retry.delayMs'],
    [{ delayMs: Number.POSITIVE_INFINITY }, 'consume.retry.delayMs'],
    [{ maxDelayMs: -1 }, 'consume.retry.maxDelayMs'],
    ['fast', 'consume.retry'],
    [null, 'consume.retry'],
    [[1, 2], 'consume.retry'],
  ])('refuses %o with a ConfigError naming %s', (input, field) => {
    const error = thrownBy(ConfigError, () => resolveRetryPolicy(input, 'consume.retry'));
    expect(error.field).toBe(field);
    expect(error.code).toBe('MQKIT_CONFIG');
    expect(error.message).toContain(`\`${field}\``);
  });
});
