import { describe, expect, it } from 'vitest';
import { PermanentError } from '../src/errors/permanent-error.js';
import { RetryableError } from '../src/errors/retryable-error.js';
import { ValidationError } from '../src/errors/validation-error.js';
import { decideFailure } from '../src/retry/failure-decision.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../src/retry/retry-policy.js';

// Exponential from 100 ms, no jitter: 100, 200, 400, … after attempts 1, 2, 3, …
const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, delayMs: 100, jitter: 0 };

describe('decideFailure', () => {
  it('dead-letters a PermanentError as permanent even on the first attempt', () => {
    expect(decideFailure(new PermanentError('bad data'), 1, 5, policy)).toEqual({ kind: 'dead-letter', reason: 'permanent' });
  });

  it('dead-letters any error with retryable: false as permanent', () => {
    expect(decideFailure({ retryable: false }, 1, 5, policy)).toEqual({ kind: 'dead-letter', reason: 'permanent' });
    expect(decideFailure(Object.assign(new Error('no'), { retryable: false }), 1, 5, policy)).toEqual({ kind: 'dead-letter', reason: 'permanent' });
    expect(decideFailure(new ValidationError('x', 'bad', 'fix'), 1, 5, policy)).toEqual({ kind: 'dead-letter', reason: 'permanent' });
  });

  it('reports permanent rather than max-attempts when a permanent error ends the last attempt', () => {
    expect(decideFailure(new PermanentError('bad'), 5, 5, policy)).toEqual({ kind: 'dead-letter', reason: 'permanent' });
  });

  it('dead-letters a retryable failure on the last allowed attempt as max-attempts', () => {
    expect(decideFailure(new Error('flaky'), 5, 5, policy)).toEqual({ kind: 'dead-letter', reason: 'max-attempts' });
    expect(decideFailure(new Error('flaky'), 1, 1, policy)).toEqual({ kind: 'dead-letter', reason: 'max-attempts' });
    expect(decideFailure(new Error('flaky'), 7, 5, policy)).toEqual({ kind: 'dead-letter', reason: 'max-attempts' });
  });

  it("retries before the last attempt with the policy's backoff for that attempt", () => {
    expect(decideFailure(new Error('flaky'), 1, 5, policy)).toEqual({ kind: 'retry', delayMs: 100 });
    expect(decideFailure(new Error('flaky'), 3, 5, policy)).toEqual({ kind: 'retry', delayMs: 400 });
    expect(decideFailure(new Error('flaky'), 4, 5, policy)).toEqual({ kind: 'retry', delayMs: 800 });
  });

  it("retries after a RetryableError's delayMs instead of the backoff, uncapped and unjittered", () => {
    expect(decideFailure(new RetryableError('rate limited', { delayMs: 7 }), 3, 5, policy)).toEqual({ kind: 'retry', delayMs: 7 });
    const capped: RetryPolicy = { ...policy, maxDelayMs: 50, jitter: 1 };
    expect(decideFailure(new RetryableError('rate limited', { delayMs: 5000 }), 1, 5, capped, undefined, () => 0.9)).toEqual({ kind: 'retry', delayMs: 5000 });
  });

  it('honours a finite delayMs ≥ 0 on any error object', () => {
    expect(decideFailure(Object.assign(new Error('busy'), { delayMs: 250 }), 1, 5, policy)).toEqual({ kind: 'retry', delayMs: 250 });
    expect(decideFailure({ delayMs: 0 }, 2, 5, policy)).toEqual({ kind: 'retry', delayMs: 0 });
  });

  it("ignores an error's delayMs that is negative, not finite or not a number", () => {
    for (const delayMs of [-1, Number.NaN, Number.POSITIVE_INFINITY, '250', null]) {
      expect(decideFailure({ delayMs }, 2, 5, policy)).toEqual({ kind: 'retry', delayMs: 200 });
    }
    expect(decideFailure(new RetryableError('no delay'), 2, 5, policy)).toEqual({ kind: 'retry', delayMs: 200 });
  });

  it("lets an explicit delayMs override both the backoff and the error's own delayMs", () => {
    expect(decideFailure(new Error('x'), 3, 5, policy, 42)).toEqual({ kind: 'retry', delayMs: 42 });
    expect(decideFailure(new RetryableError('x', { delayMs: 9000 }), 3, 5, policy, 42)).toEqual({ kind: 'retry', delayMs: 42 });
    expect(decideFailure(new RetryableError('x', { delayMs: 9000 }), 3, 5, policy, 0)).toEqual({ kind: 'retry', delayMs: 0 });
  });

  it('falls back to the backoff when the explicit delayMs is negative, NaN or infinite', () => {
    for (const delayMs of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(decideFailure(new Error('x'), 3, 5, policy, delayMs)).toEqual({ kind: 'retry', delayMs: 400 });
      expect(decideFailure(new RetryableError('x', { delayMs: 9000 }), 3, 5, policy, delayMs)).toEqual({ kind: 'retry', delayMs: 9000 });
    }
  });

  it('does not let an explicit delayMs save a permanent error or the last attempt', () => {
    expect(decideFailure(new PermanentError('x'), 1, 5, policy, 10)).toEqual({ kind: 'dead-letter', reason: 'permanent' });
    expect(decideFailure(new Error('x'), 5, 5, policy, 10)).toEqual({ kind: 'dead-letter', reason: 'max-attempts' });
  });

  it('retries non-Error throws', () => {
    for (const thrown of ['boom', 42, undefined, null, { message: 'plain object' }, { retryable: true }, { retryable: 'no' }]) {
      expect(decideFailure(thrown, 1, 5, policy)).toEqual({ kind: 'retry', delayMs: 100 });
    }
  });

  it('passes its random source to the backoff', () => {
    const jittered: RetryPolicy = { ...policy, jitter: 0.5 };
    expect(decideFailure(new Error('x'), 2, 5, jittered, undefined, () => 0)).toEqual({ kind: 'retry', delayMs: 200 });
    expect(decideFailure(new Error('x'), 2, 5, jittered, undefined, () => 0.999_999_9)).toEqual({ kind: 'retry', delayMs: 100 });
  });
});
